"""Form fields for the target groups a programme asks (004 §3–4): the referral form and
the correction on the case page both use them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import TargetGroup

from .forms import ActionForm
from .models import NewlyArrived
from .target_groups import TargetGroupInput, current_target_groups

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", _("Inte besvarat")), ("ja", _("Ja")), ("nej", _("Nej"))]
FLAG_FIELDS = {
    TargetGroup.NO_UPPER_SECONDARY: "no_upper_secondary",
    TargetGroup.BORN_OUTSIDE_EUROPE: "born_outside_europe",
    TargetGroup.YOUNG_NEET: "young_neet",
    TargetGroup.DISABILITY: "documented_disability",
}


def target_group_fields(programme) -> dict[str, forms.Field]:
    """The optional fields for the groups `programme` asks for, in the order of domain.md."""
    asked = set(programme.target_groups) if programme else set()
    fields: dict[str, forms.Field] = {}
    if TargetGroup.UNEMPLOYED_SINCE in asked:
        fields["unemployed_since"] = forms.DateField(
            label=_("Arbetslös sedan"),
            required=False,
            widget=DATE_INPUT,
            help_text=_("Ger långtidsarbetslös (>12 mån) och lång långtidsarbetslös (>24 mån)."),
        )
    for group, name in FLAG_FIELDS.items():
        if group in asked:
            fields[name] = forms.ChoiceField(label=group.label, choices=YES_NO, required=False)
        if group == TargetGroup.NO_UPPER_SECONDARY and TargetGroup.NEWLY_ARRIVED in asked:
            fields["newly_arrived"] = forms.ChoiceField(
                label=_("Nyanländ"),
                choices=[("", _("Inte besvarat")), *NewlyArrived.choices],
                required=False,
            )
    return fields


def _flag(value) -> bool | None:
    return {"ja": True, "nej": False}.get(value or "")


def _choice(value: bool | None) -> str:
    choices: dict[bool | None, str] = {True: "ja", False: "nej"}
    return choices.get(value, "")


def target_group_input(data: dict) -> TargetGroupInput:
    return TargetGroupInput(
        unemployed_since=data.get("unemployed_since"),
        newly_arrived=data.get("newly_arrived", "") or "",
        **{name: _flag(data.get(name)) for name in FLAG_FIELDS.values()},
    )


class TargetGroupCorrectForm(ActionForm):
    """Correct the target groups: a new row with a reason; the old one is kept (C2)."""

    dated = False

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.fields.update(target_group_fields(case.programme))
        self.fields["reason"] = forms.CharField(
            label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
        )
        current = current_target_groups(case)
        if current is not None and not self.is_bound:
            self.initial.update(
                {
                    "unemployed_since": current.unemployed_since,
                    "newly_arrived": current.newly_arrived,
                    **{n: _choice(getattr(current, n)) for n in FLAG_FIELDS.values()},
                }
            )
