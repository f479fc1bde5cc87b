from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Case
from programmes.models import Organisation, OrganisationKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProviderAttendanceForm(forms.Form):
    week = forms.DateField(
        label=_("Vecka"),
        widget=DATE_INPUT,
        help_text=_("Välj en dag i veckan; närvaron räknas på veckans måndag."),
    )
    planned_days = forms.IntegerField(
        label=_("Planerade dagar"), min_value=1, max_value=7, initial=5
    )
    days_present = forms.IntegerField(label=_("Närvarodagar"), min_value=0, max_value=7)


class PlacementForm(forms.Form):
    case: forms.ModelChoiceField[Case] = forms.ModelChoiceField(
        label=_("Deltagare"), queryset=None, empty_label=None
    )
    provider = forms.ModelChoiceField(
        label=_("Leverantör"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.LEVERANTOR),
        empty_label=None,
    )
    planned_end = forms.DateField(label=_("Planerat slut"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: (
            f"{c.participant} ({c.participant.masked_personnummer})"
        )


class MonthForm(forms.Form):
    manad = forms.DateField(
        label=_("Månad"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        required=False,
    )
    grans = forms.IntegerField(
        label=_("Gräns för låg närvaro (%)"), min_value=1, max_value=100, required=False
    )


class PlacementEndForm(forms.Form):
    on = forms.DateField(
        label=_("Slutdatum"),
        widget=DATE_INPUT,
        help_text=_("Leverantören kan registrera närvaro för veckor till och med detta datum."),
    )
