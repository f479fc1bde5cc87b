"""`{% load replica %}{% replica_status %}`: where a report page read, and how far behind that is.

Nothing without a replica; on the replica, its lag (config.replica.Lag); on the primary,
why (the user has just written, or the replica does not answer).
"""

from __future__ import annotations

import math

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import replica

register = template.Library()


def describe(lag: replica.Lag | None) -> str:
    if lag is None:
        return _(
            "Rapporten läses från en replika av databasen; hur långt efter den ligger kunde "
            "inte läsas."
        )
    if lag.caught_up:
        return _("Rapporten läses från en replika av databasen, som är i fas med primärdatabasen.")
    size = filesizeformat(lag.behind_bytes)
    if lag.at_most is None:
        return _(
            "Rapporten läses från en replika av databasen, som ligger efter primärdatabasen: "
            "%(size)s återstår att spela upp."
        ) % {"size": size}
    seconds = max(math.ceil(lag.at_most.total_seconds()), 0)
    return ngettext(
        "Rapporten läses från en replika av databasen, som ligger efter primärdatabasen: "
        "%(size)s återstår att spela upp, och ändringar från högst den senaste %(seconds)s "
        "sekunden kan saknas.",
        "Rapporten läses från en replika av databasen, som ligger efter primärdatabasen: "
        "%(size)s återstår att spela upp, och ändringar från högst de senaste %(seconds)s "
        "sekunderna kan saknas.",
        seconds,
    ) % {"size": size, "seconds": seconds}


def status_text(reads_from: str | None) -> str:
    if reads_from == replica.REPLICA:
        return describe(replica.lag())
    if reads_from == replica.PINNED:
        return _("Rapporten läses från primärdatabasen, eftersom du nyss gjorde en ändring.")
    if reads_from == replica.FALLBACK:
        return replica.fallback_text()
    return ""


@register.simple_tag(takes_context=True)
def replica_status(context) -> str:
    request = context.get("request")
    text = status_text(getattr(request, "reads_from", None))
    return format_html('<p class="hint replica-status">{}</p>', text) if text else ""
