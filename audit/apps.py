from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Granskning")

    def ready(self) -> None:
        from . import checks, purge_guard, receivers, scope_receivers  # noqa: F401

        receivers.connect()
        scope_receivers.connect()
        purge_guard.connect()  # checks registers itself on import
