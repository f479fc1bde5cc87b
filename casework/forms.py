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
from .models import Case, ExitReason, Note, State


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ActionForm(forms.Form):
    """Base: knows its case and user, labels errors for assistive technology (W2)."""

    dated = True

    def __init__(self, *args, case: Case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)
        if self.dated:
            self.fields = {"on": self._date_field(), **self.fields}

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
                queryset=Workplace.objects.order_by("name"),
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

    def clean(self):
        data = super().clean()
        if self.coordinator_only:
            raise forms.ValidationError(
                _("Maxtiden per deltagare sätts av samordnaren; be samordnaren starta insatsen.")
            )
        return data


class ExitForm(ActionForm):
    reason_code = forms.ChoiceField(label=_lazy("Avslutsorsak"))
    reason = forms.CharField(
        label=_lazy("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = ExitReason.choices
        if self.case.state != State.AKTUALISERING:
            choices = [c for c in choices if c[0] != ExitReason.EJ_AKTUELL]
        self.fields["reason_code"].choices = [("", _("Välj avslutsorsak")), *choices]


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
    text = forms.CharField(label=_lazy("Anteckning"), widget=forms.Textarea(attrs={"rows": 5}))
    is_objection = forms.BooleanField(label=_lazy("Deltagarens invändning"), required=False)


class NoteCorrectForm(ActionForm):
    """A correction keeps the original's date; the original stays readable (C2)."""

    dated = False
    note = forms.TypedChoiceField(label=_lazy("Anteckning som rättas"), coerce=int)
    text = forms.CharField(
        label=_lazy("Rättad text"),
        widget=forms.Textarea(attrs={"rows": 5}),
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


class AttendanceForm(ActionForm):
    dated = False
    week = forms.DateField(
        label=_lazy("Vecka"),
        widget=DateInput(),
        help_text=_lazy("Välj en dag i veckan; närvaron räknas på veckans måndag."),
    )
    days_present = forms.IntegerField(label=_lazy("Närvarodagar"), min_value=0, max_value=7)
