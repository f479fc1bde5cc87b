"""Per-client rate limit, shared by every gunicorn worker (issue 16).

A fixed one-minute window. With Redis configured (`REDIS_URL`, the `api` cache) the
counter is an atomic cache increment; without it, one upsert per request on a row per
client and minute (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, exact under concurrency
on SQLite and PostgreSQL, one statement and one commit), made by the token check itself
(`api.services.token_check`), which hands the count on as `request.api_rate_count`. Old
minutes are deleted by the first request of each new minute.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.throttling import BaseThrottle

from .models import RateWindow

WINDOW_SECONDS = 60

_UPSERT = (
    "INSERT INTO {table} (client_id, minute, count) VALUES (%s, %s, 1) "
    "ON CONFLICT (client_id, minute) DO UPDATE SET count = {table}.count + 1 RETURNING count"
)


def _count_in_database(client_id: int, minute: int) -> int:
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [client_id, minute])
        count = cursor.fetchone()[0]
    if count == 1:
        RateWindow.objects.filter(client_id=client_id, minute__lt=minute).delete()
    return count


def _count_in_cache(client_id: int, minute: int) -> int:
    cache, key = caches["api"], f"api-rate:{client_id}:{minute}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        return 1


def database_minute() -> int | None:
    """The current window, when the database keeps the counter; else None."""
    return None if "api" in settings.CACHES else int(time.time() // WINDOW_SECONDS)


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        client = getattr(request, "api_client", None)
        if client is None:
            return True  # the authentication answers 401 first
        now = time.time()
        minute = int(now // WINDOW_SECONDS)
        count = getattr(request, "api_rate_count", None)
        if count is None:
            count_of = _count_in_cache if "api" in settings.CACHES else _count_in_database
            count = count_of(client.pk, minute)
        self._wait = (minute + 1) * WINDOW_SECONDS - now
        return count <= client.requests_per_minute

    def wait(self) -> float:
        return max(1.0, self._wait)
