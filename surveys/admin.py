from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from programmes.admin_scope import OWNER_LOOKUP, OrganisationScopedAdmin
from programmes.models import Programme

from .defaults import load_defaults
from .models import SurveyQuestion

# A programme's questions are its owner's to administer, like the programme (issue 17 item 3).
OWNER_LOOKUP[SurveyQuestion] = "programme__owner__in"


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    """The programme's own questions at enrolment and exit (003 "deltagarenkät")."""

    list_display = ["text", "programme", "occasion", "position", "kind", "active"]
    list_filter = ["programme", "occasion", "kind", "active"]
    ordering = ["programme", "occasion", "position"]
    actions = ["add_defaults"]

    @admin.action(
        description=_("Ge de valda frågornas program standardfrågorna om de saknar frågor")
    )
    def add_defaults(self, request, queryset):
        programmes = Programme.objects.filter(pk__in=queryset.values("programme_id"))
        created = load_defaults(Programme, SurveyQuestion, programmes)
        messages.info(request, _("%(n)s frågor skapade.") % {"n": created})
