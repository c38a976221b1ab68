from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "setia.surveys"
    verbose_name = _("Surveys")

    def ready(self):
        # The renderer of survey answers on customers' timelines (read in the reader's
        # language), and the "survey detractor" trigger's matches: work sits below this app
        # and finds them through its registry of trigger sources.
        # Imported here: they import models, which the registry loads after this module.
        from setia.surveys import messages, triggers  # noqa: F401, PLC0415
