from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Register the renderer of the timeline's tier moves (read in the reader's language).
from setia.tiers import messages  # noqa: F401


class TiersConfig(AppConfig):
    name = "setia.tiers"
    verbose_name = _("Tiers")
