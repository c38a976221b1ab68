import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from setia.engagement.models import MessageTemplate
from setia.engagement.tests.factories import make_template

LIST = reverse("engagement:template-list")
CREATE = reverse("engagement:template-create")


def _edit(template) -> str:
    return reverse("engagement:template-edit", args=[template.code])


VALID = {
    "name": "Promo Desember",
    "channel": "email",
    "language": "id",
    "subject": "Promo untuk {customer}",
    "body": "Halo {contact},\n\n{promo}\n\nSalam, {owner}",
    "is_active": "on",
}


@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_it_lists_the_templates_for_every_role(client, db, request, persona):
    make_template(name="Sapaan")
    make_template(name="Greeting", language="en", body="Hi {contact}")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(LIST)

    assert response.status_code == 200
    assert [template.name for template in response.context["templates"]] == ["Greeting", "Sapaan"]


def test_it_shows_an_empty_state(client, executive):
    client.force_login(executive)

    response = client.get(LIST)

    assert "No message templates yet" in response.text


def test_an_executive_creates_a_template(client, executive):
    client.force_login(executive)

    response = client.post(CREATE, VALID)

    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    assert (template.name, template.channel, template.language) == ("Promo Desember", "email", "id")
    assert template.body == VALID["body"]
    assert template.created_by == executive


def test_it_refuses_unknown_variables_with_400(client, executive):
    client.force_login(executive)

    response = client.post(CREATE, {**VALID, "body": "Halo {nama} {customer.__class__}"})

    assert response.status_code == 400
    assert response.context["form"].errors["body"] == [
        "Unknown variables: {nama}, {customer.__class__}. Use only: {customer}, {contact}, "
        "{store}, {city}, {owner}, {tier}, {plan}, {renews_on}, {promo}."
    ]
    assert not MessageTemplate.objects.exists()


def test_an_email_needs_a_subject(client, executive):
    client.force_login(executive)

    response = client.post(CREATE, {**VALID, "subject": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["subject"] == ["An email needs a subject."]


def test_a_manager_edits_a_template(client, manager):
    template = make_template()
    client.force_login(manager)

    response = client.post(
        _edit(template), {**VALID, "channel": "whatsapp", "subject": "", "body": "Hai {contact}"}
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.body) == ("Promo Desember", "Hai {contact}")


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_interns_and_viewers_cannot_write_templates(client, db, request, persona):
    template = make_template()
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.get(CREATE),
        client.post(CREATE, VALID),
        client.get(_edit(template)),
        client.post(_edit(template), {**VALID, "name": "Changed"}),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    template.refresh_from_db()
    assert template.name == "Sapaan"
    assert MessageTemplate.objects.count() == 1


def test_it_redirects_anonymous_visitors_to_log_in(client, db):
    template = make_template()

    for url in (LIST, CREATE, _edit(template)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_wrong_methods(client, executive):
    template = make_template()
    client.force_login(executive)

    assert client.post(LIST).status_code == 405
    assert client.delete(_edit(template)).status_code == 405
    assert MessageTemplate.objects.count() == 1


def test_it_is_404_for_an_unknown_template(client, executive):
    client.force_login(executive)

    response = client.get(
        reverse("engagement:template-edit", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert response.status_code == 404


def test_a_template_is_named_in_the_readers_language_beside_the_language_of_its_text(
    client, executive
):
    make_template(name="Monthly check-in", name_id="Sapaan bulanan", language="en", body="Hi")
    client.force_login(executive)
    executive.language = "id"
    executive.save(update_fields=["language"])

    in_indonesian = client.get(LIST).text
    executive.language = "en"
    executive.save(update_fields=["language"])
    in_english = client.get(LIST).text

    assert "Sapaan bulanan" in in_indonesian and "Monthly check-in" not in in_indonesian
    assert "Monthly check-in" in in_english and "Sapaan bulanan" not in in_english
    template = MessageTemplate.objects.get()
    with translation.override("id"):
        assert str(template) == "Sapaan bulanan (Bahasa Inggris)"


def test_an_executive_names_a_template_in_both_languages(client, executive):
    client.force_login(executive)

    client.post(CREATE, {**VALID, "name": "December promo", "name_id": "Promo Desember"})

    template = MessageTemplate.objects.get()
    assert (template.name, template.name_id) == ("December promo", "Promo Desember")


def test_the_demos_templates_are_renamed_in_both_languages_only_when_unedited(db):
    rename = importlib.import_module(
        "setia.engagement.migrations.0017_template_names_in_both_languages"
    )
    body = "Halo {contact}, apa kabar {customer}? Ada yang bisa kami bantu bulan ini?"
    seeded = make_template(name="Sapaan bulanan", channel="whatsapp", language="id", body=body)
    edited = make_template(
        name="Situs bermasalah", channel="whatsapp", language="id", body="Halo {contact}!"
    )

    rename.name_in_both_languages(apps, None)

    seeded.refresh_from_db()
    edited.refresh_from_db()
    assert (seeded.name, seeded.name_id) == ("Monthly check-in", "Sapaan bulanan")
    assert (edited.name, edited.name_id) == ("Situs bermasalah", "")
