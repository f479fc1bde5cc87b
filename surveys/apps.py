from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = "Deltagarenkäter"

    def ready(self) -> None:
        from casework.indicators import report
        from casework.signals import caseload_reminders

        from .selectors import caseload_reminder_group, report_section

        caseload_reminders.connect(caseload_reminder_group, dispatch_uid="surveys-reminders")
        # The board's report carries the survey results in aggregate (issue 14 item 4);
        # casework does not import surveys, so surveys adds its section here.
        report.register_section("survey", report_section)
