"""The referral's agreement facts: home municipality and the programme's target groups.

Which fields show depends on the chosen programme (`Programme.target_groups`,
`Programme.municipalities`); `referral_register` checks them again (004 §3–4; 003).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.target_group_forms import target_group_fields, target_group_input
from casework.target_groups import TargetGroupInput
from programmes.models import Programme


class AgreementFields(forms.Form):
    """Home municipality (required where the programme has members) and target groups."""

    def __init__(self, *args, programme: Programme | None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None and programme.municipalities.count() > 1:
            self.fields["home_municipality"] = forms.ModelChoiceField(
                label=_("Hemkommun"),
                queryset=programme.municipalities.all(),
                empty_label=_("Välj kommun"),
                help_text=_("Deltagarens hemkommun, en av programmets medlemskommuner."),
            )
        self.fields.update(target_group_fields(programme))

    def to_input(self) -> TargetGroupInput:
        return target_group_input(self.cleaned_data)
