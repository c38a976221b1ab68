from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "setia.health"
    verbose_name = _("Health")

    def ready(self):
        # The "health fell" trigger's matches come from here: work sits below this app and
        # finds them through its registry of trigger sources.
        # Imported here: it imports models, which the registry loads after this module.
        from setia.health import triggers  # noqa: F401, PLC0415
