"""Forms for coach assignment: on the case page, in bulk, and a leaving coach's caseload."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .assignment import assignable_coaches
from .forms import ActionForm


class CoachChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


def coach_field(queryset, label) -> CoachChoice:
    return CoachChoice(label=label, queryset=queryset, empty_label=_("Välj coach …"))


REASON_HINT = _("Till exempel att coachen slutar eller har för många ärenden.")


class ReassignForm(ActionForm):
    """The coordinator assigns, or reassigns with a reason, the case's coach."""

    dated = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        coaches = User.objects.filter(is_active=True, groups__name="coach", units=self.case.unit)
        if self.case.coach_id:
            coaches = coaches.exclude(pk=self.case.coach_id)
        self.fields["coach"] = coach_field(
            coaches.distinct().order_by("first_name", "last_name"), _("Ny coach")
        )
        self.fields["reason"] = forms.CharField(
            label=_("Motivering"),
            required=self.case.coach_id is not None,
            help_text=REASON_HINT,
            widget=forms.Textarea(attrs={"rows": 3}),
        )


class BulkAssignForm(forms.Form):
    """Several cases of the page, one coach."""

    cases = forms.TypedMultipleChoiceField(
        label=_("Ärenden"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, case_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(pk, str(pk)) for pk in case_ids]
        self.fields["cases"].error_messages["required"] = _("Välj minst ett ärende.")
        self.fields["coach"] = coach_field(assignable_coaches(user), _("Coach"))


class CaseloadMoveForm(forms.Form):
    """Every open case of one coach to another, with a reason."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        coaches = assignable_coaches(user)
        self.fields["from_coach"] = coach_field(coaches, _("Från coach"))
        self.fields["to_coach"] = coach_field(coaches, _("Till coach"))
        self.fields["reason"] = forms.CharField(
            label=_("Motivering"), help_text=REASON_HINT, widget=forms.Textarea(attrs={"rows": 3})
        )

    def clean(self):
        data = super().clean()
        if data.get("from_coach") and data.get("from_coach") == data.get("to_coach"):
            self.add_error("to_coach", _("Välj en annan coach att flytta ärendena till."))
        return data
