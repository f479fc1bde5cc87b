"""`{% load numbers %}`: `value|sv_number` and `value|sv_change` (casework/indicators/numbers)."""

from django import template

from casework.indicators.numbers import sv_change as _sv_change
from casework.indicators.numbers import sv_number as _sv_number

register = template.Library()


@register.filter
def sv_number(value) -> str:
    return _sv_number(value)


@register.filter
def sv_change(value) -> str:
    return _sv_change(value)
