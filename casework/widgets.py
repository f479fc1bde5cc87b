"""An ISO date field: `<input type=date>`, accepting only ÅÅÅÅ-MM-DD (issue 12, item 4).

Django's default input formats read 01/12/2026 as 12 January; a Swedish reader means
1 December. Only the ISO form is accepted, anything else is a clear error, never a guess.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ISO_FORMAT = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_FORMAT)


class IsoDateField(forms.DateField):
    widget = IsoDateInput
    input_formats = [ISO_FORMAT]
    default_error_messages = {
        "invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-01."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("ÅÅÅÅ-MM-DD"))
        super().__init__(*args, **kwargs)
