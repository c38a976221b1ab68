from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Registers the renderer of the import's timeline events (read in the reader's language).
from setia.imports import messages  # noqa: F401


class ImportsConfig(AppConfig):
    name = "setia.imports"
    verbose_name = _("Imports")
