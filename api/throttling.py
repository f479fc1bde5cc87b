"""Per-client rate limit, shared by every worker through Django's cache framework.

The `api` cache is Redis when `REDIS_URL` is set, else a database table (created by the
app's migration), so a SQLite install needs nothing more. A fixed one-minute window: the
first request of a window adds the counter, every request increments it atomically where
the backend can (Redis) and with a read and a write elsewhere.
"""

from __future__ import annotations

import time

from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        client = getattr(request, "api_client", None)
        if client is None:
            return True  # the authentication answers 401 first
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"api-rate:{client.pk}:{window}"
        cache = caches["api"]
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return count <= client.requests_per_minute

    def wait(self) -> float:
        return max(1.0, self._wait)
