"""`{% load fields %}`, `{% field_row field %}`: a form field with its label, hint and errors.

Built in Python, as the lists' rows are (issue 15): as an included template, the
caseload's six filters cost ~1 ms of CPU a page around their widgets. The markup is the one
every form uses: a radio group is a fieldset with a legend, a checkbox stands before its
label, any other widget follows its label; the hint and the error are tied to the field by
id (`aria-describedby`, set by the forms).
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from casework.markup import escaped

register = template.Library()


@register.simple_tag
def field_row(field: BoundField) -> SafeString:
    hint = error = ""
    described = []  # the ids of the hint and the error, which the widget points to
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
        hint = f'<p class="hint" id="{escaped(described[-1])}">{escaped(field.help_text)}</p>'
    if field.errors:
        described.append(f"{field.auto_id}-error")
        messages = " ".join(escaped(message) for message in field.errors)
        error = f'<p class="error" id="{escaped(described[-1])}">{messages}</p>'
    label = escaped(field.label)
    kind = field.widget_type
    if kind == "radioselect":
        choices = "".join(
            f'<label class="choice" for="{escaped(radio.id_for_label)}">'
            f"{radio.tag()} {escaped(radio.choice_label)}</label>"
            for radio in field
        )
        inner = (
            f"<fieldset>\n  <legend>{label}</legend>\n  {hint}\n  {error}\n  {choices}\n"
            "</fieldset>\n"
        )
    else:
        # Django's own default would name ids (`…_helptext`, `…_error`) that no row has.
        points: dict[str, str | bool] = {}
        if described and field.auto_id:
            points["aria-describedby"] = " ".join(described)
        widget = field.as_widget(attrs=points)
        if kind == "checkbox":
            inner = (
                f'\n  {error}\n  <label class="choice" for="{escaped(field.id_for_label)}">'
                f"{widget} {label}</label>\n  {hint}\n"
            )
        else:
            inner = (
                f'\n  <label for="{escaped(field.id_for_label)}">{label}</label>\n  {hint}\n'
                f"  {error}\n  {widget}\n"
            )
    return mark_safe(f'<div class="field">\n{inner}</div>\n')
