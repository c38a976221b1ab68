from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "setia.history"
    # The label predates the package's name: existing databases key this app's migrations,
    # tables (audit_auditentry) and permissions (audit.view_auditentry) by it.
    label = "audit"
    verbose_name = _("Audit")
