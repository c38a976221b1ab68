from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Register the renderer of campaign steps on merchants' timelines (read in the reader's
# language).
from setia.campaigns import messages  # noqa: F401


class CampaignsConfig(AppConfig):
    name = "setia.campaigns"
    verbose_name = _("Campaigns")
