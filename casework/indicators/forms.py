"""The report's period and programme choice (indicators.md "Periods")."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.selectors import unit_codes_of
from programmes.models import Organisation, Programme, Unit

from . import periods


class Kind:
    TERTIAL = "tertial"
    DELAR = "delar"
    HELAR = "helar"
    CUSTOM = "custom"
    CHOICES = [
        (TERTIAL, _("Tertial")),
        (DELAR, _("Delår (1 januari till tertialens slut)")),
        (HELAR, _("Helår")),
        (CUSTOM, _("Eget datumintervall")),
    ]


def programmes_for(user):
    """Programmes owned by or shared with the organisations of the user's units (S5)."""
    if user.is_superuser:
        return Programme.objects.all()
    organisations = Organisation.objects.filter(units__code__in=unit_codes_of(user))
    return Programme.objects.filter(
        Q(owner__in=organisations) | Q(shared_with__in=organisations)
    ).distinct()


def units_for(user):
    """The units of the organisations of the user's units: the report's choice of unit."""
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(organisation__units__code__in=unit_codes_of(user)).distinct()


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=Kind.CHOICES, initial=Kind.TERTIAL)
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100, required=False)
    tertial = forms.TypedChoiceField(
        label=_("Tertial"),
        choices=[(1, _("1 (jan–apr)")), (2, _("2 (maj–aug)")), (3, _("3 (sep–dec)"))],
        coerce=int,
        required=False,
    )
    start = forms.DateField(
        label=_("Från och med"), required=False, help_text=_("ÅÅÅÅ-MM-DD, för eget intervall")
    )
    end = forms.DateField(
        label=_("Till och med"), required=False, help_text=_("ÅÅÅÅ-MM-DD, för eget intervall")
    )
    programme = forms.ModelChoiceField(
        label=_("Program"), queryset=Programme.objects.none(), required=False,
        empty_label=_("Alla mina program"), to_field_name="code",
    )  # fmt: skip

    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), required=False,
        empty_label=_("Alla enheter"), to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for(user)
        self.fields["unit"].queryset = units_for(user)
        year, number = periods.tertial_of(timezone.localdate())
        self.fields["year"].initial = year
        self.fields["tertial"].initial = number

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Kind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start:
                self.add_error("start", _("Ange startdatum."))
            if not end:
                self.add_error("end", _("Ange slutdatum."))
            if start and end and end < start:
                self.add_error("end", _("Slutdatum ligger före startdatum."))
            return data
        if not data.get("year"):
            self.add_error("year", _("Ange år."))
        if kind in (Kind.TERTIAL, Kind.DELAR) and not data.get("tertial"):
            self.add_error("tertial", _("Välj tertial."))
        return data

    def _post_clean(self):
        """Link each field's error (and hint) with aria-describedby, and mark it invalid."""
        super()._post_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            field, auto_id = self.fields[name], self[name].auto_id
            described = [f"{auto_id}_error"] + ([f"{auto_id}_helptext"] if field.help_text else [])
            field.widget.attrs |= {"aria-describedby": " ".join(described), "aria-invalid": "true"}

    def period(self) -> periods.Period:
        data = self.cleaned_data
        kind, year = data["kind"], data["year"]  # clean() requires the year unless CUSTOM
        if kind == Kind.CUSTOM:
            return periods.Period(data["start"], data["end"])
        if kind == Kind.HELAR:
            return periods.helar(year)
        if kind == Kind.DELAR:
            return periods.delar(year, data["tertial"])
        return periods.tertial(year, data["tertial"])

    def programme_ids(self) -> list[int]:
        chosen = self.cleaned_data.get("programme")
        if chosen is not None:
            return [chosen.pk]
        field = self.fields["programme"]
        # `fields` is typed dict[str, Field]; this is the ModelChoiceField set up in __init__.
        assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
        return list(field.queryset.values_list("pk", flat=True))

    def unit_arguments(self) -> dict:
        """`report.build`'s unit arguments: the chosen unit's cases only, or no limit."""
        chosen = self.cleaned_data.get("unit")
        if chosen is None:
            return {}
        return {"unit_ids": [chosen.pk], "unit_code": chosen.code}


def default_data(user) -> dict:
    year, number = periods.tertial_of(timezone.localdate())
    return {"kind": Kind.TERTIAL, "year": year, "tertial": number}
