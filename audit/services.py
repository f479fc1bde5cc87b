"""Writing the access log. Every read of personal data calls `log_read` once (L1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from casework.selectors import unit_codes_of

from .models import AccessLog

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from api.models import ApiClient


def log_read(
    *,
    user: User | None,
    action: str,
    participant_ids: Iterable[int],
    route: str = "",
    filter_description: str = "",
    operator: str = "",
    client: ApiClient | None = None,
) -> AccessLog:
    """One row per read: a detail page names one person, a list or export all it showed.

    `user` is the signed-in reader; a management command passes `user=None` and names
    the person who ran it in `operator`. The row and its chain link commit together, in
    one transaction: never a log row outside the chain, and one commit per read, not two.
    An API read passes its system `client` as well (issue 16).
    """
    ids = sorted(set(participant_ids))
    if client is not None:
        units = client.unit.code
    else:
        units = ",".join(unit_codes_of(user)) if user else ""
    with transaction.atomic():
        return AccessLog.objects.create(
            user=user,
            client=client,
            operator=operator,
            unit_codes=units,
            action=action,
            route=route,
            participant_ids=ids,
            filter_description=filter_description,
            person_count=len(ids),
        )
