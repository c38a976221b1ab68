"""People are disabled in the admin, never deleted: their name stays on the history they made."""

from django.urls import reverse

from setia.accounts.models import Role, User
from setia.test import make_user


def test_a_user_cannot_be_deleted_in_the_admin(client, admin_user):
    leaver = make_user(Role.EXECUTIVE)
    client.force_login(admin_user)

    page = client.get(reverse("admin:accounts_user_change", args=[leaver.pk]))
    response = client.post(reverse("admin:accounts_user_delete", args=[leaver.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert response.status_code == 403
    assert User.objects.filter(pk=leaver.pk, is_active=True).exists()
