"""Writes of the API app: system clients and their tokens (issue 16)."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case
from casework.prepared import cursor_of
from casework.rules import CaseRuleError
from casework.selectors import roles_of
from referrals.services import referral_register

from .models import ApiClient, ApiToken, IdempotencyKey, RateWindow, Scope

CLIENT_ROLE = "api_client"  # the group that `visible_cases` scopes to the client's unit
MAX_LIVE_TOKENS = 2
TOKEN_PREFIX = "amk_"


def digest(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is as safe as a slow hash, and fast."""
    return hashlib.sha256(token.encode()).hexdigest()


def _sync_user(client: ApiClient) -> None:
    """The service user mirrors the client: its name, and the permission a write needs."""
    user = client.user
    user.first_name = client.name[:150]
    user.is_active = True
    user.save(update_fields=["first_name", "is_active"])
    user.groups.add(Group.objects.get_or_create(name=CLIENT_ROLE)[0])
    decide = Permission.objects.get(content_type__app_label="casework", codename="decide_referral")
    if client.has_scope(Scope.REFERRALS_WRITE):
        user.user_permissions.add(decide)
    else:
        user.user_permissions.remove(decide)


@transaction.atomic
def client_save(*, client: ApiClient) -> ApiClient:
    """Create or update a client; a new one gets its own service user, which cannot log in."""
    unknown = set(client.scopes) - set(Scope.values)
    if unknown:
        raise CaseRuleError(_("Okända behörigheter: %(s)s.") % {"s": ", ".join(sorted(unknown))})
    if client.user_id is None:
        user = User(username=f"api-{secrets.token_hex(6)}")
        user.set_unusable_password()
        user.save()
        client.user = user
    client.save()
    _sync_user(client)
    return client


@transaction.atomic
def token_issue(*, client: ApiClient) -> str:
    """A new token, returned once; the old one stays live until it is revoked (rotation)."""
    ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.tokens.live().count() >= MAX_LIVE_TOKENS:
        raise CaseRuleError(_("Klienten har redan två giltiga tokens. Återkalla den äldre först."))
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    ApiToken.objects.create(client=client, prefix=prefix, digest=digest(token))
    return token


def token_revoke(*, token: ApiToken) -> None:
    """Revoked for good; what the client wrote before stays in the journal under its name."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def _prefix_of(raw: str) -> str | None:
    if not raw.startswith(TOKEN_PREFIX) or raw.count("_") < 2:
        return None
    return raw[len(TOKEN_PREFIX) :].split("_", 1)[0]


# A client as the API's requests read it (its unit, its service user and that user's
# roles), kept per token for this many seconds in each worker process. The token itself
# is checked in the database on every request, so a revoked token is refused at once; a
# change to the client (scopes, expiry date, limit, unit) reaches the other workers within
# this bound (the worker that saved it drops its copies at once). docs/api.md.
CLIENT_CACHE_SECONDS = 5.0
_clients: dict[tuple[str, str], tuple[float, ApiClient]] = {}

_COUNT_IN_DATABASE = (
    "INSERT INTO {window} (client_id, minute, count) "
    "SELECT client_id, %s, 1 FROM {token} "
    "WHERE prefix = %s AND digest = %s AND revoked_at IS NULL "
    "ON CONFLICT (client_id, minute) DO UPDATE SET count = {window}.count + 1 "
    "RETURNING client_id, count"
)
_LIVE_TOKEN = (
    "SELECT client_id FROM {token} WHERE prefix = %s AND digest = %s AND revoked_at IS NULL"
)


def token_check(raw: str, *, minute: int | None) -> tuple[ApiClient, int | None] | None:
    """The client of a live token, and with `minute` this request's count in the client's
    rate window, or None for an unknown or revoked token; one statement either way.

    The token is found by its prefix and digest together (the digest of 256 random bits:
    comparing digests tells nothing about the token). With `minute` the same statement
    counts the request (`api.throttling`, the database counter), so checking the token and
    counting it cost one round trip and one commit. The client row comes from the cache
    above when it is fresh.
    """
    prefix = _prefix_of(raw)
    if prefix is None:
        return None
    tables = {
        "token": connection.ops.quote_name(ApiToken._meta.db_table),
        "window": connection.ops.quote_name(RateWindow._meta.db_table),
    }
    key = (prefix, digest(raw))
    with cursor_of(connection) as cursor:
        if minute is None:
            cursor.execute(_LIVE_TOKEN.format(**tables), list(key))
        else:
            cursor.execute(_COUNT_IN_DATABASE.format(**tables), [minute, *key])
        row = cursor.fetchone()
    if row is None:
        return None
    client_id, count = row[0], (row[1] if minute is not None else None)
    if count == 1:  # the client's first request of a minute drops its older windows
        RateWindow.objects.filter(client_id=client_id, minute__lt=minute).delete()
    now = time.monotonic()
    cached = _clients.get(key)
    if cached is None or cached[0] < now or cached[1].pk != client_id:
        client = ApiClient.objects.select_related("user", "unit").get(pk=client_id)
        roles_of(client.user)  # kept on the user, so the scoping rule asks no more
        _clients[key] = cached = (now + CLIENT_CACHE_SECONDS, client)
    return cached[1], count


def forget_clients(**_kwargs: Any) -> None:
    """A saved client or token: this process reads it afresh (post_save receiver)."""
    _clients.clear()


@transaction.atomic
def referral_register_once(*, client: ApiClient, key: str, body_digest: str, **fields: Any) -> Case:
    """`referral_register` for the client's unit, as the client; with a key, the key is
    stored in the same transaction, so a retry finds the case and never makes another."""
    case = referral_register(unit=client.unit, by=client.user, **fields)
    if key:
        IdempotencyKey.objects.create(client=client, key=key, body_digest=body_digest, case=case)
    return case
