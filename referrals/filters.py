"""Filters of the referral queue (issue 4): programme, source, age group, gender, waiting."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Gender, Source
from casework.rules import add_months

AGE_GROUPS = {
    "16-17": (16, 17),
    "18-24": (18, 24),
    "25-29": (25, 29),
    "30-49": (30, 49),
    "50-64": (50, 64),
    "65-": (65, 130),
}


def age_group_label(key: str):
    """A label such as 18–24 år; the open-ended group reads 65–."""
    span = key.replace("-", "–")
    return span if key.endswith("-") else format_lazy(_("{span} år"), span=span)


def born_between(low: int, high: int, today):
    """Birth dates of people aged `low`..`high` whole years today."""
    latest = add_months(today, -12 * low)
    earliest = add_months(today, -12 * (high + 1)) + timedelta(days=1)
    return earliest, latest


class QueueFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=None, empty_label=_("Alla")
    )
    source = django_filters.ChoiceFilter(
        label=_("Källa"), choices=Source.choices, empty_label=_("Alla")
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Åldersgrupp"),
        choices=[(k, age_group_label(k)) for k in AGE_GROUPS],
        method="filter_age_group",
        empty_label=_("Alla"),
    )
    gender = django_filters.ChoiceFilter(
        label=_("Kön"),
        field_name="participant__gender",
        choices=Gender.choices,
        empty_label=_("Alla"),
    )
    waiting_over = django_filters.NumberFilter(
        label=_("Väntat mer än (dagar)"), method="filter_waiting_over", min_value=0
    )

    class Meta:
        model = Case
        fields = ["programme", "source", "age_group", "gender", "waiting_over"]

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes

    def filter_age_group(self, queryset, name, value):
        earliest, latest = born_between(*AGE_GROUPS[value], timezone.localdate())
        return queryset.filter(participant__birth_date__range=(earliest, latest))

    def filter_waiting_over(self, queryset, name, value):
        limit = timezone.localdate() - timedelta(days=int(value))
        return queryset.filter(referred_on__lt=limit)

    def describe(self) -> str:
        """The filter as text for the access log (L1)."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        parts = [f"{k}={v}" for k, v in self.form.cleaned_data.items() if v not in (None, "")]
        return "; ".join(parts)
