"""Forms of the coach's actions. They parse and pre-check; the services decide (STYLE.md).

Every dated form has an effective date that defaults to today and may be back-dated,
never into the future nor before the case's previous event (domain.md "Enforce").
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from programmes.models import Workplace

from . import rules
from .models import Case, EmploymentForm, ExitReason, Note, State
from .text import validate_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ActionForm(forms.Form):
    """Base: knows its case and user, labels errors for assistive technology (W2)."""

    dated = True
    has_places = False  # a start of an insats with places (StartInsatsForm)
    offer_waiting_list = False  # the start was refused as full: offer the waiting list

    def __init__(self, *args, case: Case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)
        if self.dated:
            self.fields = {"on": self._date_field(), **self.fields}
        # The version the form was rendered from; the service refuses a moved case (ADR 0105).
        self.fields["version"] = forms.IntegerField(
            required=False, min_value=0, widget=forms.HiddenInput, initial=case.version
        )

    def _date_field(self) -> forms.DateField:
        last = self.case.last_event_on or self.case.referred_on
        return forms.DateField(
            label=_("Datum då det gällde"),
            initial=timezone.localdate,
            widget=DateInput(),
            help_text=_(
                "Kan anges bakåt i tiden, men inte i framtiden och inte före ärendets "
                "senaste händelse %(last)s."
            )
            % {"last": last.isoformat()},
        )

    def clean_on(self):
        on = self.cleaned_data["on"]
        refusal = rules.effective_date_refusal(self.case, on, timezone.localdate())
        if refusal:
            raise forms.ValidationError(refusal)
        return on

    def is_valid(self) -> bool:
        valid = super().is_valid()
        self.describe()
        return valid

    def describe(self) -> None:
        """Link each field to its hint and, after a submit, its error (W2)."""
        for name, field in self.fields.items():
            described = [f"id_{name}-hint"] if field.help_text else []
            if self.is_bound and name in self.errors:
                described.append(f"id_{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class WorkplaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Workplace) -> str:
        kind = _("kommunal verksamhet") if obj.kommunal else _("extern arbetsgivare")
        return f"{obj.name} ({kind})"


class StartInsatsForm(ActionForm):
    """Start or change to an insats (000 §4.4; Bromodellen maximum, 002 §5)."""

    reason = forms.CharField(
        label=_lazy("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, insats: str, **kwargs):
        self.insats = insats
        super().__init__(*args, **kwargs)
        rule = self.case.programme.rule_for(insats)
        if insats in rules.NEEDS_WORKPLACE:
            self.fields["workplace"] = WorkplaceChoice(
                label=_("Arbetsplats"),
                queryset=Workplace.objects.filter(
                    organisation_id=self.case.unit.organisation_id
                ).order_by("name"),
                empty_label=_("Välj arbetsplats"),
                help_text=_("Från arbetsplatsregistret; kommunal eller extern framgår av namnet."),
            )
        if insats == State.ANSTALLNING:
            self.fields["is_osa"] = forms.BooleanField(
                label=_("Offentligt skyddad anställning (OSA)"), required=False
            )
        sets_max = bool(rule and rule.coordinator_sets_max)
        self.coordinator_only = sets_max and not self.user.has_perm("casework.decide_referral")
        needs_end = insats == State.ANSTALLNING or (rule and rule.planned_end_required)
        if (needs_end or sets_max) and not self.coordinator_only:
            self.fields["planned_end"] = forms.DateField(
                label=_("Planerat slutdatum"),
                required=False,
                widget=DateInput(),
                help_text=_(
                    "Krävs för OSA och där samordnaren sätter maxtid per deltagare (Bromodellen)."
                ),
            )

        self._revision_fields(rule)

    def _revision_fields(self, rule) -> None:
        """Scope, minimum, the extension on return and the empty-spell confirmation
        (domain.md 2026-12; 002 §5; indicators.md)."""
        self.fields["scope"] = forms.IntegerField(
            label=_("Omfattning (% av heltid)"),
            min_value=1,
            max_value=100,
            initial=100,
            required=False,
            help_text=_("Tomt = heltid (100 %)."),
        )
        if rule and rule.coordinator_sets_min and not self.coordinator_only:
            self.fields["min_end"] = forms.DateField(
                label=_("Minsta tid till"), required=False, widget=DateInput()
            )
        returning = any(s.state == self.insats for s in rules.spells(self.case))
        if rule and rule.max_extensions and returning:
            self.fields["extension_reason"] = forms.CharField(
                label=_("Motivering för förlängning vid återkomst"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "Fyll i för att bevilja den outnyttjade förlängningen i samma steg. "
                    "Där regeln kräver samråd ska det vara registrerat före startdatumet."
                ),
            )
        # The insats has places: when they are full the form offers the waiting list,
        # whose button posts `waiting_list` (issue 11; 000 §4.4; 002 §5).
        self.has_places = bool(rule and rule.capacity is not None)
        self.empty_warning = rules.empty_spell_warning(self.case, timezone.localdate())
        self.fields["confirm_empty"] = forms.BooleanField(
            label=_("Jag vet att perioden blir tom och vill spara ändå"), required=False
        )

    def clean(self):
        data = super().clean()
        data["waiting_list"] = self.has_places and bool(self.data.get("waiting_list"))
        if self.coordinator_only:
            raise forms.ValidationError(
                _("Maxtiden per deltagare sätts av samordnaren; be samordnaren starta insatsen.")
            )
        warning = data.get("on") and rules.empty_spell_warning(self.case, data["on"])
        if warning and not data.get("confirm_empty"):
            raise forms.ValidationError(warning)
        return data


class ExitForm(ActionForm):
    reason_code = forms.ChoiceField(label=_lazy("Avslutsorsak"))
    employment_form = forms.ChoiceField(
        label=_lazy("Anställningsform"),
        required=False,
        choices=[("", _lazy("Välj anställningsform")), *EmploymentForm.choices],
        help_text=_lazy("Krävs vid avslut till arbete (nyckeltal K3)."),
    )
    studiemedel = forms.TypedChoiceField(
        label=_lazy("Ger studierna rätt till studiemedel?"),
        required=False,
        choices=[("", _lazy("Välj")), ("ja", _lazy("Ja")), ("nej", _lazy("Nej"))],
        coerce=lambda v: v == "ja",
        empty_value=None,
        help_text=_lazy("Krävs vid avslut till studier (nyckeltal K3)."),
    )
    reason = forms.CharField(
        label=_lazy("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = rules.exit_reason_codes(self.case, list(ExitReason.values))
        choices = [c for c in ExitReason.choices if c[0] in offered]
        if self.case.state != State.AKTUALISERING:
            choices = [c for c in choices if c[0] != ExitReason.EJ_AKTUELL]
        self.fields["reason_code"].choices = [("", _("Välj avslutsorsak")), *choices]

    def clean(self):
        data = super().clean()
        code = data.get("reason_code")
        if code == ExitReason.ARBETE and not data.get("employment_form"):
            self.add_error("employment_form", _("Välj anställningsform vid avslut till arbete."))
        if code == ExitReason.STUDIER and data.get("studiemedel") is None:
            self.add_error("studiemedel", _("Ange om studierna ger rätt till studiemedel."))
        if code != ExitReason.ARBETE:
            data["employment_form"] = ""
        if code != ExitReason.STUDIER:
            data["studiemedel"] = None
        return data


class ExtendForm(ActionForm):
    reason = forms.CharField(
        label=_lazy("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.case.programme.rule_for(self.case.state)
        if rule and rule.extension_needs_samrad:
            self.fields["reason"].help_text = _(
                "Förlängningen kräver ett samråd med Arbetsförmedlingen efter att insatsen "
                "började. Registrera samrådet först om det saknas."
            )


class CaseExtendForm(ActionForm):
    """An extension of the whole case, where the programme limits it (Sikta, 003)."""

    months = forms.IntegerField(label=_lazy("Månader"), min_value=1)
    reason = forms.CharField(
        label=_lazy("Motivering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Vilken väg vidare förlängningen väntas leda till."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].max_value = self.case.programme.case_extension_months
        self.fields["months"].initial = self.case.programme.case_extension_months


class SamradForm(ActionForm):
    note = forms.CharField(
        label=_lazy("Anteckning om samrådet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EnrolStartForm(ActionForm):
    course = forms.CharField(
        label=_lazy("Kurs"),
        max_length=100,
        help_text=_lazy("Till exempel SFI eller Komvux vid Campus."),
    )


class EnrolEndForm(ActionForm):
    course = forms.ChoiceField(label=_lazy("Kurs"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        open_courses = (
            self.case.enrolments.filter(corrections__isnull=True, ends__isnull=True)
            .order_by("course")
            .values_list("course", flat=True)
            .distinct()
        )
        self.fields["course"].choices = [(c, c) for c in open_courses]


class NoteForm(ActionForm):
    text = forms.CharField(
        label=_lazy("Anteckning"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_text],
    )
    is_objection = forms.BooleanField(label=_lazy("Deltagarens invändning"), required=False)


class NoteCorrectForm(ActionForm):
    """A correction keeps the original's date; the original stays readable (C2)."""

    dated = False
    note = forms.TypedChoiceField(label=_lazy("Anteckning som rättas"), coerce=int)
    text = forms.CharField(
        label=_lazy("Rättad text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_text],
        help_text=_lazy(
            "Rättelsen behåller anteckningens datum. Den ursprungliga texten finns kvar, "
            "överstruken men läsbar."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(
            Note.objects.filter(case=self.case, corrections__isnull=True).order_by(
                "effective_on", "pk"
            )
        )
        self.fields["note"].choices = [
            (n.pk, f"{n.effective_on:%Y-%m-%d}: {n.text[:60]}") for n in current
        ]
        # The correction box starts with the text being corrected (issue 12, item 8).
        texts = {n.pk: n.text for n in current}
        if self.initial.get("note") in texts and not self.initial.get("text"):
            self.initial["text"] = texts[self.initial["note"]]


class AssessmentForm(ActionForm):
    step = forms.TypedChoiceField(label=_lazy("Steg"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        steps = self.case.programme.progression_steps
        self.fields["step"].choices = [(i, label) for i, label in enumerate(steps, start=1)]


class FollowUpForm(ActionForm):
    receives_eb = forms.TypedChoiceField(
        label=_lazy("Har personen ekonomiskt bistånd sex månader efter anställningen?"),
        choices=[("ja", _lazy("Ja")), ("nej", _lazy("Nej"))],
        coerce=lambda v: v == "ja",
        widget=forms.RadioSelect,
    )


class WorkCheckForm(ActionForm):
    lasted_month = forms.TypedChoiceField(
        label=_lazy("Varade arbetet efter avslutet minst en sammanhängande månad?"),
        choices=[("ja", _lazy("Ja")), ("nej", _lazy("Nej"))],
        coerce=lambda v: v == "ja",
        widget=forms.RadioSelect,
    )


class AttendanceForm(ActionForm):
    dated = False
    week = forms.DateField(
        label=_lazy("Vecka"),
        widget=DateInput(),
        help_text=_lazy("Välj en dag i veckan; närvaron räknas på veckans måndag."),
    )
    days_present = forms.IntegerField(label=_lazy("Närvarodagar"), min_value=0, max_value=7)
    planned_days = forms.IntegerField(
        label=_lazy("Planerade dagar"), min_value=1, max_value=7, initial=5
    )
