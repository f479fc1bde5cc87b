"""Forms of the coordinator workspace: parse and validate input, the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import personnummer
from casework.models import Gender, Source
from casework.text import validate_text
from programmes.models import IncomeSupport, InsatsType, Programme, Unit, Workplace

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def step_choices(programme: Programme | None) -> list[tuple[str, str]]:
    steps = programme.progression_steps if programme else []
    return [("", _("Inte bedömt")), *((str(i), s) for i, s in enumerate(steps, start=1))]


class ReferralForm(forms.Form):
    """Log a referral (aktualisering); `referral_register` checks eligibility (000 §4.4)."""

    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=13,
        help_text=_("ÅÅÅÅMMDD-NNNN. Kontrolleras medan du skriver."),
    )
    first_name = forms.CharField(
        label=_("Förnamn"), max_length=100, required=False, validators=[validate_text]
    )
    last_name = forms.CharField(
        label=_("Efternamn"), max_length=100, required=False, validators=[validate_text]
    )
    gender = forms.ChoiceField(
        label=_("Kön"),
        choices=[("", _("Välj kön …")), *Gender.choices],
        error_messages={"required": _("Välj kön.")},
    )
    programme = forms.ModelChoiceField(
        label=_("Program"), queryset=Programme.objects.none(), empty_label=None
    )
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=Unit.objects.none(), empty_label=None)
    referred_on = forms.DateField(label=_("Aktualiserad datum"), widget=DATE_INPUT)
    source = forms.ChoiceField(
        label=_("Källa"),
        choices=[("", _("Välj källa …")), *Source.choices],
        error_messages={"required": _("Välj källa.")},
    )
    income_support = forms.ChoiceField(
        label=_("Försörjning"),
        choices=[("", _("Välj försörjning …")), *IncomeSupport.choices],
        error_messages={"required": _("Välj försörjning.")},
    )
    risk_note = forms.CharField(
        label=_("Motivering för undantaget RISK"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs vid RISK: hur risken identifierats med Campus eller Af."),
    )
    referring_officer = forms.CharField(
        label=_("Remitterande handläggare"), max_length=200, required=False
    )
    referring_contact = forms.CharField(
        label=_("Handläggarens kontaktuppgift"), max_length=200, required=False
    )
    referral_reason = forms.CharField(
        label=_("Anledning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    baseline_step = forms.ChoiceField(label=_("Utgångsläge (steg)"), required=False)

    def __init__(self, *args, programmes, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["unit"].queryset = units
        self.fields["referred_on"].initial = timezone.localdate()
        chosen = self._chosen_programme(programmes)
        self.fields["baseline_step"].choices = step_choices(chosen)

    def _chosen_programme(self, programmes) -> Programme | None:
        pk = self.data.get("programme") if self.is_bound else None
        chosen = programmes.filter(pk=pk).first() if pk and str(pk).isdigit() else None
        return chosen or programmes.first()

    def clean_personnummer(self) -> str:
        value = self.cleaned_data["personnummer"]
        return personnummer.parse(value).canonical

    def clean_baseline_step(self) -> int | None:
        value = self.cleaned_data.get("baseline_step")
        return int(value) if value else None

    def clean(self):
        data = super().clean()
        if (
            data.get("income_support") == IncomeSupport.RISK
            and not data.get("risk_note", "").strip()
        ):
            self.add_error(
                "risk_note",
                ValidationError(_("Undantaget RISK kräver en anteckning om samverkan.")),
            )
        self._eligibility(data)
        return data

    def _eligibility(self, data) -> None:
        """The service's target-group checks too, so every error shows at once (issue 12)."""
        from .services import eligibility_refusals

        needed = ("personnummer", "programme", "referred_on", "income_support")
        if any(not data.get(name) for name in needed):
            return
        risk_note = "-" if "risk_note" in self.errors else data.get("risk_note", "")
        for reason in eligibility_refusals(
            data["programme"],
            birth_date=personnummer.parse(data["personnummer"]).birth_date,
            on=data["referred_on"],
            income_support=data["income_support"],
            risk_note=risk_note,
        ):
            self.add_error(None, reason)


class VersionedForm(forms.Form):
    """Carries the case version the queue was rendered from (optimistic lock, ADR 0105)."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class DatedForm(VersionedForm):
    on = forms.DateField(label=_("Datum"), widget=DATE_INPUT)


class SamradForm(DatedForm):
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=2000)


class AssignCoachForm(VersionedForm):
    coach = forms.IntegerField()


class StartForm(DatedForm):
    """The first start from the queue, with what a start or a waiting-list place needs:
    workplace, OSA, planned end and scope (000 §4.4; 002 §5; domain.md 2026-12)."""

    insats = forms.ChoiceField(label=_("Insats"), choices=InsatsType.choices)
    workplace = forms.ModelChoiceField(
        label=_("Arbetsplats"), queryset=Workplace.objects.all(), required=False
    )
    is_osa = forms.BooleanField(label=_("Offentligt skyddad anställning (OSA)"), required=False)
    planned_end = forms.DateField(label=_("Planerat slutdatum"), required=False)
    scope = forms.IntegerField(
        label=_("Omfattning (% av heltid)"), min_value=1, max_value=100, required=False
    )

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "workplace": data.get("workplace"),
            "is_osa": bool(data.get("is_osa")),
            "planned_end": data.get("planned_end"),
            "scope": data.get("scope") or 100,
        }


class CloseForm(DatedForm):
    reason = forms.CharField(label=_("Anledning"), max_length=2000)


class StartNextForm(DatedForm):
    programme = forms.IntegerField()
    insats = forms.ChoiceField(choices=InsatsType.choices)
