from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from setia.accounts.middleware import start_session_clock


class AccountsConfig(AppConfig):
    name = "setia.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Django's own hook for "a user just logged in", from the login view, the admin's
        # login and the test client alike; it only writes into the session being created.
        user_logged_in.connect(start_session_clock, dispatch_uid="setia.accounts.session_clock")
