"""Swedish number formats for the report (issue 14 item 7): 1 234 and 40,0.

Thousands are grouped with a no-break space (it never wraps inside a table cell), the
decimal sign is a comma and a share always has its one decimal, as in the CSV.
"""

from __future__ import annotations

from decimal import Decimal

THOUSANDS = "\u00a0"
MINUS = "\u2212"
EMPTY = "–"


def sv_number(value) -> str:
    """12345 -> '12 345', 40.0 -> '40,0', 1234.5 -> '1 234,5', None -> '–'."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | Decimal):
        text = f"{abs(value):,.1f}"
    elif isinstance(value, int):
        text = f"{abs(value):,}"
    else:
        return str(value)
    text = text.replace(",", THOUSANDS).replace(".", ",")
    return (MINUS + text) if value < 0 else text


def sv_change(value) -> str:
    """A change with its sign: +3, −2, ±0, +1,5; None -> '–'."""
    if value is None:
        return EMPTY
    if value == 0:
        return "±" + sv_number(value)
    return ("+" if value > 0 else "") + sv_number(value)
