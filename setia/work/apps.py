from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Register the renderers of the timeline events about runs and tasks (read in the reader's
# language).
from setia.work.automation import reasons  # noqa: F401
from setia.work.schedule import messages  # noqa: F401


class WorkConfig(AppConfig):
    name = "setia.work"
    verbose_name = _("Work")
