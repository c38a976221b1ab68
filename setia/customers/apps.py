from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from setia.lib.merging import check_merge_policies


class CustomersConfig(AppConfig):
    name = "setia.customers"
    verbose_name = _("Customers")

    def ready(self):
        checks.register(check_merge_policies, checks.Tags.models)
