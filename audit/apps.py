from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Granskning")

    def ready(self) -> None:
        from . import checks, receivers, scope_receivers  # noqa: F401  (checks registers)

        receivers.connect()
        scope_receivers.connect()
