from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "providers"
    verbose_name = "Leverantörer"

    def ready(self) -> None:
        from casework.signals import case_exited

        from .services import placements_end_with_case

        case_exited.connect(placements_end_with_case, dispatch_uid="providers-end-on-exit")
