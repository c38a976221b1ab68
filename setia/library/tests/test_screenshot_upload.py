import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setia.library.models import ExampleStore
from setia.library.tests.factories import image_bytes, make_guide
from setia.test import make_store


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def guide(executive):
    return make_guide(owner=executive)


@pytest.fixture
def store(customer):
    return make_store(customer, domain="batiklestari.co.id")


def _post(client, upload, domain="batiklestari.co.id"):
    return client.post(
        reverse("library:example-add", args=["fashion"]),
        {"domain": domain, "note": "Halaman depan", "screenshot": upload},
    )


def test_it_stores_a_real_png_under_a_random_name(client, executive, guide, store, tmp_path):
    client.force_login(executive)

    response = _post(client, SimpleUploadedFile("../../evil.exe", image_bytes("PNG")))

    assert response.status_code == 302
    example = ExampleStore.objects.get()
    assert example.store == store
    assert example.screenshot.name.startswith("library/")
    assert example.screenshot.name.endswith(".png")
    assert "evil" not in example.screenshot.name
    assert (example.screenshot_width, example.screenshot_height) == (40, 30)
    assert (tmp_path / example.screenshot.name).exists()


def test_it_accepts_jpeg_and_names_it_by_its_content(client, executive, guide, store):
    client.force_login(executive)

    response = _post(client, SimpleUploadedFile("shot.png", image_bytes("JPEG"), "image/png"))

    assert response.status_code == 302
    assert ExampleStore.objects.get().screenshot.name.endswith(".jpg")


def test_it_refuses_a_fake_image(client, executive, guide, store):
    client.force_login(executive)
    fake = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n" + b"not really" * 50, "image/png")

    response = _post(client, fake)

    assert response.status_code == 400
    assert response.context["form"].has_error("screenshot", "not_an_image")
    assert not ExampleStore.objects.exists()


def test_it_refuses_a_file_too_large(client, executive, guide, store, settings):
    settings.LIBRARY_SCREENSHOT_MAX_BYTES = 2048
    client.force_login(executive)
    big = SimpleUploadedFile("big.png", image_bytes("PNG") + b"\0" * 4096, "image/png")

    response = _post(client, big)

    assert response.status_code == 400
    assert response.context["form"].has_error("screenshot", "too_large")
    assert not ExampleStore.objects.exists()


def test_it_refuses_another_image_type(client, executive, guide, store):
    client.force_login(executive)

    response = _post(client, SimpleUploadedFile("anim.png", image_bytes("GIF"), "image/png"))

    assert response.status_code == 400
    assert response.context["form"].has_error("screenshot", "wrong_type")
    assert not ExampleStore.objects.exists()


def test_it_refuses_an_svg(client, executive, guide, store):
    client.force_login(executive)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    response = _post(client, SimpleUploadedFile("x.svg", svg, "image/svg+xml"))

    assert response.status_code == 400
    assert response.context["form"].has_error("screenshot", "not_an_image")


def test_it_refuses_oversized_dimensions(client, executive, guide, store, settings):
    settings.LIBRARY_SCREENSHOT_MAX_SIDE = 100
    client.force_login(executive)

    response = _post(client, SimpleUploadedFile("wide.png", image_bytes("PNG", (101, 10))))

    assert response.status_code == 400
    assert response.context["form"].has_error("screenshot", "too_wide")


def test_it_accepts_an_example_without_a_screenshot(client, executive, guide, store):
    client.force_login(executive)

    response = _post(client, "")

    assert response.status_code == 302
    assert ExampleStore.objects.get().screenshot.name in ("", None)


def test_it_refuses_a_store_the_user_cannot_see(client, other_executive, guide, store):
    client.force_login(other_executive)

    response = _post(client, "")

    assert response.status_code == 400
    assert response.context["form"].errors["domain"]
    assert not ExampleStore.objects.exists()
