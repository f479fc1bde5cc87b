"""The coach's list shows how many surveys wait; the names are on the reminders page."""

from django import template
from django.utils import timezone

from surveys.selectors import reminder_cases

register = template.Library()


@register.inclusion_tag("surveys/_caseload_reminders.html")
def survey_reminders(user):
    return {"count": reminder_cases(user, today=timezone.localdate()).count()}
