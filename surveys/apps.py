from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = "Deltagarenkäter"

    def ready(self) -> None:
        # The board's report carries the survey results in aggregate (issue 14 item 4);
        # casework does not import surveys, so surveys adds its section here.
        from casework.indicators import report

        from .selectors import report_section

        report.register_section("survey", report_section)
