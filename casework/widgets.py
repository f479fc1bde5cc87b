"""An ISO date field: `<input type=date>`, accepting only ÅÅÅÅ-MM-DD (issue 12, item 4).

Django's default input formats read 01/12/2026 as 12 January; a Swedish reader means
1 December. Only the ISO form is accepted, anything else is a clear error, never a guess.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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


OPTION = '<option value="{}"{}>{}</option>'


class LeanSelect(forms.Select):
    """Django's `<select>` markup built in Python (issue 15).

    Django renders a select through a template, and each option through another
    (`select_option.html` and `attrs.html`): the caseload's six filters cost ~5 ms of CPU
    a page that way. This builds the same elements with `format_html`, escaping alike.
    Option groups are not used by the filters and are refused rather than flattened.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group, choices, _index in widget["optgroups"]:
            if group:
                raise ValueError("LeanSelect renders no option groups")
            options += [
                format_html(OPTION, o["value"], flatatt(o["attrs"]), o["label"]) for o in choices
            ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(options)),  # each option is built by format_html
        )
