from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Register the renderer of story steps on merchants' timelines (read in the reader's language).
from setia.stories import messages  # noqa: F401


class StoriesConfig(AppConfig):
    name = "setia.stories"
    verbose_name = _("Success stories")
