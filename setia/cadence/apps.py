from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadenceConfig(AppConfig):
    name = "setia.cadence"
    verbose_name = _("Team cadence")
