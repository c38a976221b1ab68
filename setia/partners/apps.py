from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Register the renderer of the programme steps on merchants' timelines (read in the reader's
# language).
from setia.partners import messages  # noqa: F401


class PartnersConfig(AppConfig):
    name = "setia.partners"
    verbose_name = _("Partners")
