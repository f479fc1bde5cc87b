"""The questionnaire as a form: one field per active question of the programme."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind

SCALE = [(str(i), str(i)) for i in range(1, 6)]


class SurveyForm(forms.Form):
    share_with_coach = forms.BooleanField(
        label=_("Min coach får läsa mina svar"),
        required=False,
        help_text=_(
            "Om du inte kryssar i rutan läser ingen dina svar. De räknas bara ihop med andras."
        ),
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        fields = {}
        for q in self.questions:
            if q.kind == QuestionKind.SCALE:
                hint = ""
                if q.low_label or q.high_label:
                    hint = _("1 = %(low)s, 5 = %(high)s") % {
                        "low": q.low_label,
                        "high": q.high_label,
                    }
                fields[f"q{q.pk}"] = forms.ChoiceField(
                    label=q.text,
                    choices=SCALE,
                    required=False,
                    widget=forms.RadioSelect,
                    help_text=hint,
                )
            else:
                fields[f"q{q.pk}"] = forms.CharField(
                    label=q.text,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
        self.fields = {**fields, **self.fields}

    def values(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}
