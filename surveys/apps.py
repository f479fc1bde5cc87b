from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = "Deltagarenkäter"

    def ready(self) -> None:
        from casework.signals import caseload_reminders

        from .selectors import caseload_reminder_group

        caseload_reminders.connect(caseload_reminder_group, dispatch_uid="surveys-reminders")
