"""Writing the access log. Every read of personal data calls `log_read` once (L1)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from casework.selectors import unit_codes_of

from .chain import insert_chained
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
    the person who ran it in `operator`. The row and its chain entry commit together
    (`audit.chain.insert_chained`: one statement on PostgreSQL): never a log row outside
    the chain, and one commit per read. An API read passes its system `client` and the
    client's user (issue 16). The entry's digests are of the row as written, which is
    the row as stored (every value is set here), so it is not read back.
    """
    ids = sorted(set(participant_ids))
    if client is not None:
        units = client.unit.code
    else:
        units = ",".join(unit_codes_of(user)) if user else ""
    log = AccessLog(
        at=timezone.now(),
        user_id=user.pk if user else None,  # ids: the instances' checks cost a read's CPU
        client_id=client.pk if client else None,
        operator=operator,
        unit_codes=units,
        action=action,
        route=route,
        participant_ids=ids,
        filter_description=filter_description,
        person_count=len(ids),
    )
    insert_chained(log)
    return log
