"""One check for free text and names, for forms, the import and the services (issue 17).

Refused, with a Swedish reason: text that is only invisible characters (zero-width
spaces, joiners, BOM, whitespace), and text with bidirectional control characters
(U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), which can make a name or a
note read differently from what is stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import CharField, Model, TextField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))} | {
    "\u200e",
    "\u200f",
    "\u061c",
}


def text_problem(value: str) -> str:
    """The Swedish reason `value` is refused, or '' when it is acceptable."""
    if "\x00" in value:  # PostgreSQL cannot store it: a 500 instead of a reason
        return str(_("Texten innehåller ett otillåtet nolltecken (NUL)."))
    if any(ch in BIDI_CONTROLS for ch in value):
        return str(_("Texten innehåller osynliga styrtecken för skrivriktning; skriv om den."))
    if value and all(ch in INVISIBLE or ch.isspace() for ch in value):
        return str(_("Texten består bara av osynliga tecken."))
    return ""


def validate_text(value: str) -> None:
    """A Django validator: raises ValidationError with the Swedish reason."""
    problem = text_problem(value or "")
    if problem:
        raise ValidationError(problem, code="invisible_text")


def row_problems(obj: Model) -> list[str]:
    """Every refused text of a row about to be written, each prefixed by its field's name."""
    problems = []
    for field in obj._meta.concrete_fields:
        if not isinstance(field, (CharField, TextField)) or field.choices:
            continue
        value = getattr(obj, field.attname)
        problem = text_problem(value) if isinstance(value, str) else ""
        if problem:
            problems.append(f"{capfirst(field.verbose_name)}: {problem}")
    return problems


def ensure_clean_row(obj: Model) -> None:
    """The rule layer's check (issue 17): `casework.store` calls it before it writes a case,
    a person or a journal row, so the web, the import and the API refuse the same text."""
    from .rules import CaseRuleError

    problems = row_problems(obj)
    if problems:
        raise CaseRuleError(problems)
