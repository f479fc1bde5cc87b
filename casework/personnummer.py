"""Personnummer and samordningsnummer: parse, validate by date and Luhn, canonicalise (N1–N4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# ASCII digits only: `\d` would also take fullwidth or Arabic-Indic digits, and a number
# typed with them would become a second key for the same person (issue 17).
_FORM = re.compile(
    r"(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<sep>[-+]?)(?P<serial>[0-9]{3})(?P<check>[0-9])",
    re.ASCII,
)


@dataclass(frozen=True)
class Identity:
    canonical: str  # 12 digits, no separator
    birth_date: date
    samordningsnummer: bool


def luhn_digit(nine_digits: str) -> int:
    """The check digit: modulus 10 with weights 2, 1, 2, … over nine digits."""
    total = 0
    for i, ch in enumerate(nine_digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def parse(value: str, *, today: date | None = None) -> Identity:
    """Accepts YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN and YYMMDD+NNNN (+ = 100 years or older)."""
    today = today or date.today()
    text = (value or "").strip()
    match = _FORM.fullmatch(text)
    if match is None and any(ch.isdigit() and not ch.isascii() for ch in text):
        raise ValidationError(
            _("Personnumret får bara innehålla siffrorna 0–9 (inte till exempel breda siffror)."),
            code="format",
        )
    if match is None:
        raise ValidationError(
            _("Skriv personnumret som ÅÅÅÅMMDD-NNNN, ÅÅÅÅMMDDNNNN eller ÅÅMMDD-NNNN."),
            code="format",
        )
    yymmdd, serial, check = match["yymmdd"], match["serial"], int(match["check"])
    if match["century"] and match["sep"] == "+":
        raise ValidationError(_("Plustecken används bara med tvåsiffrigt årtal."), code="format")
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    samordning = day > 60
    real_day = day - 60 if samordning else day
    year = _full_year(match["century"], int(yymmdd[:2]), month, real_day, match["sep"], today)
    try:
        born = date(year, month, real_day)
    except ValueError:
        raise ValidationError(
            _("Personnumret innehåller ett datum som inte finns."), code="date"
        ) from None
    if born > today:
        raise ValidationError(_("Personnumret har ett födelsedatum i framtiden."), code="date")
    if luhn_digit(yymmdd + serial) != check:
        raise ValidationError(
            _("Kontrollsiffran stämmer inte. Kontrollera personnumret."), code="checksum"
        )
    return Identity(f"{year:04d}{yymmdd[2:]}{serial}{check}", born, samordning)


def _full_year(century: str | None, yy: int, month: int, day: int, sep: str, today: date) -> int:
    if century:
        return int(century) * 100 + yy
    if sep == "+":
        # Written from the calendar year the person turns 100 (folkbokföringslagen): the
        # latest year ending in yy at least 100 years before this year (261207+5024 read
        # in 2026 is 1926-12-07).
        base = today.year - 100
        return base - (base - yy) % 100
    # The most recent year ending in yy whose birthday is not after today.
    year = today.year - (today.year - yy) % 100
    try:
        if date(year, month, day) > today:
            year -= 100
    except ValueError:
        pass  # an impossible date is reported by the caller
    return year


def age_on(birth_date: date, on: date) -> int:
    """Whole years on the given date (indicators.md)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
