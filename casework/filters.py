"""Filters of the coach's caseload (django-filter); they narrow, never widen, the scope."""

from __future__ import annotations

from datetime import date, timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme

from .models import OPEN_STATES, Case, Gender, State
from .rules import add_months
from .selectors import REMINDER_HORIZON_DAYS
from .widgets import LeanSelect

YES_NO = [("ja", _("Ja")), ("nej", _("Nej"))]

# (code, label, youngest, oldest); 18–24 is Jobbtorg's priority group (000 §4.4; IN3/IN4).
AGE_GROUPS = [
    ("till-24", _("24 år eller yngre"), None, 24),
    ("25-29", _("25–29 år"), 25, 29),
    ("30-49", _("30–49 år"), 30, 49),
    ("50-", _("50 år eller äldre"), 50, None),
]


def birth_range(today: date, youngest: int | None, oldest: int | None) -> dict:
    """Birth dates of the people whose age on `today` lies in [youngest, oldest]."""
    bounds = {}
    if youngest is not None:
        bounds["participant__birth_date__lte"] = add_months(today, -12 * youngest)
    if oldest is not None:
        earliest = add_months(today, -12 * (oldest + 1)) + timedelta(days=1)
        bounds["participant__birth_date__gte"] = earliest
    return bounds


class OneQueryChoices(django_filters.fields.ModelChoiceIterator):
    """The options from one plain query, read afresh at each render as Django's are.

    Django's iterator reads them with `.iterator()`, on PostgreSQL a server-side cursor:
    three round trips for a handful of programmes (issue 15)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class OneQueryChoiceField(django_filters.fields.ModelChoiceField):
    iterator = OneQueryChoices


class OneQueryChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = OneQueryChoiceField


class CaseloadFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s, State(s).label) for s in OPEN_STATES],
        empty_label=_("Alla"),
        widget=LeanSelect,
    )
    programme = OneQueryChoiceFilter(
        label=_("Program"),
        queryset=Programme.objects.order_by("code").only("code", "name"),  # str(): the label
        empty_label=_("Alla"),
        widget=LeanSelect,
    )
    overstay = django_filters.ChoiceFilter(
        label=_("Överskriden tid"),
        choices=YES_NO,
        empty_label=_("Alla"),
        method="by_overstay",
        widget=LeanSelect,
    )
    due_soon = django_filters.ChoiceFilter(
        label=_("Slutdatum inom 14 dagar"),
        choices=YES_NO,
        empty_label=_("Alla"),
        method="by_due_soon",
        widget=LeanSelect,
    )
    gender = django_filters.ChoiceFilter(
        label=_("Kön"),
        field_name="participant__gender",
        choices=Gender.choices,
        empty_label=_("Alla"),
        widget=LeanSelect,
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Åldersgrupp"),
        choices=[(code, label) for code, label, *_bounds in AGE_GROUPS],
        empty_label=_("Alla"),
        method="by_age_group",
        widget=LeanSelect,
    )

    class Meta:
        model = Case
        fields: list[str] = []

    @property
    def today(self) -> date:
        return timezone.localdate()

    def by_overstay(self, queryset, name, value):
        late = {"deadline__lt": self.today}
        return queryset.filter(**late) if value == "ja" else queryset.exclude(**late)

    def by_due_soon(self, queryset, name, value):
        window = {
            "deadline__gte": self.today,
            "deadline__lte": self.today + timedelta(days=REMINDER_HORIZON_DAYS),
        }
        return queryset.filter(**window) if value == "ja" else queryset.exclude(**window)

    def by_age_group(self, queryset, name, value):
        for code, _label, youngest, oldest in AGE_GROUPS:
            if code == value:
                return queryset.filter(**birth_range(self.today, youngest, oldest))
        return queryset

    def describe(self) -> str:
        """The filter in words, for the access log's filter description (L1)."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        parts = [f"{k}={v}" for k, v in self.form.cleaned_data.items() if v not in (None, "")]
        return ", ".join(parts)
