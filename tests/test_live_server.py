"""The tests' live server, whichever test starts it for the session."""

import pytest

from tests.conftest import OneRequestAtATime


@pytest.mark.django_db(transaction=True)
def test_the_live_server_answers_one_request_at_a_time(live_server):
    """Threaded, its request threads share SQLite's one in-memory connection (conftest)."""
    assert type(live_server.thread.httpd) is OneRequestAtATime
