import pytest
from django.urls import reverse

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
