"""Real widgets for the programme's list-valued settings instead of raw JSON text boxes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IncomeSupport, Organisation, Programme, TargetGroup


class StepsField(forms.CharField):
    """The step scale, one step per line, lowest first (001; 002 §2, §5)."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # a list, by design
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value) -> None:
        if len(value) < 2:
            raise forms.ValidationError(_("En stegskala behöver minst två steg."))


class ProgrammeAdminForm(forms.ModelForm):
    income_support_codes = forms.MultipleChoiceField(
        label=_("Godtagen försörjning"),
        choices=IncomeSupport.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Försörjningskoder som uppfyller målgruppen."),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Målgrupper som frågas vid aktualisering"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Vilka målgruppsuppgifter aktualiseringen frågar efter (004 §3–4)."),
    )
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Delas med"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Organisationer som uttryckligen delar ärenden i programmet (S5)."),
    )
    progression_steps = StepsField(
        label=_("Stegskala"),
        help_text=_("Ett steg per rad, från längst från arbetsmarknaden till i arbete."),
    )

    class Meta:
        model = Programme
        fields = [
            "code",
            "name",
            "owner",
            "shared_with",
            "valid_from",
            "valid_to",
            "min_age",
            "max_age",
            "income_support_codes",
            "risk_exception",
            "samrad_before_first_insats",
            "tracks_attendance",
            "uses_step_scale",
            "progression_steps",
            "target_groups",
        ]
