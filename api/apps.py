from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API för andra system")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from .models import ApiClient, ApiToken
        from .services import forget_clients

        for model in (ApiClient, ApiToken):
            post_save.connect(forget_clients, sender=model, dispatch_uid=f"forget-{model.__name__}")
