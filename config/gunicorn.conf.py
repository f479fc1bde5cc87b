"""gunicorn in production: `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

Sync workers behind a buffering reverse proxy (nginx, or the municipality's load
balancer), as gunicorn's own documentation advises: the proxy keeps the browsers'
connections and slow clients, and each worker answers one request at a time. Requests
then wait in the one listen queue that every free worker takes the next from, first come
first served. With threaded workers (gthread) and kept-alive connections, each connection
stays with the worker that accepted it, however busy: at 1,000,000 participants the
caseload's p95 was four to five times its median, and with sync workers 1.3 times
(docs/adr/0113).

`WEB_CONCURRENCY` sets the number of workers (gunicorn's own variable): by default two
per core, as a request spends part of its time waiting on PostgreSQL.
"""

import gc
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
# A report or an export is the longest request (a second at 1,000,000 participants); an
# import runs in its own process (docs/adr/0007), never in a worker.
timeout = 60
# The workers load the app before they fork, so a broken configuration fails at start.
preload_app = True
accesslog = None


def when_ready(server):
    """Before the workers fork: the URLconf, the views it imports and the catalogs of both
    languages, which each worker would otherwise load at its first request (520 ms of CPU
    and wall time for that request, and again after every restart of a worker)."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    for code, _name in settings.LANGUAGES:
        translation.activate(code)  # loads the language's catalogs
    translation.deactivate()
    # What the master has loaded now lives as long as the workers: moved out of the
    # collector's reach, a worker's collections neither scan it nor write its reference
    # counts' pages, which the fork then keeps shared (Python's gc.freeze documentation).
    # 4 workers on demo data: each one's private memory 46 → 18 MB after 5,000 reads.
    gc.freeze()
