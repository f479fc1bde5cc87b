"""Reports off the primary, without a replica server (issue 15 item 3): the router's choices,
the pin after a write, the report page's lag text. tests/test_replica_reads.py runs the same
against a real streaming replica."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.template import Context, Template
from django.template.response import SimpleTemplateResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.models import AccessLog
from config import replica
from config.db_router import ReplicaRouter
from config.replica_tags import describe, status_text
from tests.factories import UserFactory, unit

QUERY = {"kind": "tertial", "year": "2026", "tertial": "1"}


@pytest.fixture
def without_replica(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: False)


@pytest.fixture
def with_replica(monkeypatch):
    """The replica alias as if configured, and answering; no server is contacted."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_answers", lambda: True)


def test_without_a_replica_the_router_leaves_every_choice_to_django(without_replica):
    router = ReplicaRouter()
    with replica.reading() as where:
        assert where == replica.PRIMARY
        assert not replica.active()
        assert router.db_for_read(AccessLog) is None
        assert router.db_for_write(AccessLog) is None
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "audit") is None
    assert replica.read_alias() == DEFAULT_DB_ALIAS


def test_reads_go_to_the_replica_only_inside_a_report(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(AccessLog) == DEFAULT_DB_ALIAS
    with replica.reading() as where:
        assert where == replica.REPLICA
        assert router.db_for_read(AccessLog) == replica.ALIAS
        assert replica.read_alias() == replica.ALIAS
        with replica.on_primary():
            assert router.db_for_read(AccessLog) == DEFAULT_DB_ALIAS
        assert router.db_for_read(AccessLog) == replica.ALIAS
    assert router.db_for_read(AccessLog) == DEFAULT_DB_ALIAS
    assert replica.read_alias() == DEFAULT_DB_ALIAS


def test_writes_always_go_to_the_primary_and_only_the_primary_is_migrated(with_replica):
    router = ReplicaRouter()
    with replica.reading():
        assert router.db_for_write(AccessLog) == DEFAULT_DB_ALIAS
        assert router.db_for_write(User, instance=User()) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(replica.ALIAS, "audit") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "audit") is None


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_on_the_primary(monkeypatch):
    """The chain head read before an append, a row read back after its insert: a read a
    write depends on must see the primary and its own uncommitted rows."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_answers", lambda: True)
    token = replica._reading.set(True)  # as inside a report view outside any transaction
    try:
        assert connections[DEFAULT_DB_ALIAS].in_atomic_block  # the test's own transaction
        assert ReplicaRouter().db_for_read(AccessLog) == DEFAULT_DB_ALIAS
        with transaction.atomic():
            assert ReplicaRouter().db_for_read(AccessLog) == DEFAULT_DB_ALIAS
    finally:
        replica._reading.reset(token)


@pytest.mark.django_db
def test_a_report_inside_a_transaction_never_connects_to_the_replica(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)

    def must_not_connect():
        raise AssertionError("connected to the replica")

    monkeypatch.setattr(replica, "_answers", must_not_connect)
    with replica.reading() as where:
        assert where == replica.PRIMARY
        assert not replica.active()


def test_objects_from_the_replica_and_the_primary_may_be_related(with_replica):
    primary, copy = User(), User()
    primary._state.db, copy._state.db = DEFAULT_DB_ALIAS, replica.ALIAS
    assert ReplicaRouter().allow_relation(primary, copy) is True


def _view_recording_where_it_rendered(request):
    class Recorded(SimpleTemplateResponse):
        @property
        def rendered_content(self):
            return f"active={replica.active()}"

    return Recorded(Template(""))


def test_a_template_response_is_rendered_on_the_replica_too(with_replica):
    view = replica.reads_from_replica(_view_recording_where_it_rendered)
    request = RequestFactory().get("/")
    response = view(request)
    assert response.content == b"active=True"
    assert request.reads_from == replica.REPLICA
    assert not replica.active()  # and the block is left afterwards


def test_without_a_replica_a_report_view_runs_as_before(without_replica):
    view = replica.reads_from_replica(_view_recording_where_it_rendered)
    request = RequestFactory().get("/")
    assert view(request).content == b"active=False"
    assert request.reads_from == replica.PRIMARY
    assert status_text(request.reads_from) == ""


def test_a_replica_that_does_not_answer_leaves_the_report_on_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_answers", lambda: False)
    view = replica.reads_from_replica(_view_recording_where_it_rendered)
    request = RequestFactory().get("/")
    assert view(request).content == b"active=False"
    assert request.reads_from == replica.FALLBACK
    assert status_text(request.reads_from) == (
        "Replikan svarar inte; rapporten läses från primärdatabasen."
    )


def _pin_response(method: str, *, signed_in: bool, session: bool = True) -> HttpResponse:
    request = getattr(RequestFactory(), method)("/")
    if session:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    request.user = User(username="u") if signed_in else _anonymous()
    middleware = replica.PrimaryAfterWriteMiddleware(lambda r: HttpResponse())
    return middleware(request)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_without_a_replica_the_pin_middleware_is_not_used(without_replica):
    with pytest.raises(MiddlewareNotUsed):
        replica.PrimaryAfterWriteMiddleware(lambda r: HttpResponse())


def test_a_signed_in_users_post_pins_their_reads_to_the_primary(with_replica):
    cookie = _pin_response("post", signed_in=True).cookies[replica.PIN_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]
    assert replica.PIN_COOKIE not in _pin_response("get", signed_in=True).cookies
    assert replica.PIN_COOKIE not in _pin_response("post", signed_in=False).cookies
    api_client = _pin_response("post", signed_in=True, session=False)  # a token, no session
    assert replica.PIN_COOKIE not in api_client.cookies


def test_the_pin_lasts_replica_pin_seconds_and_cannot_be_forged(with_replica):
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), tick=False) as traveller:
        value = _pin_response("post", signed_in=True).cookies[replica.PIN_COOKIE].value
        request = RequestFactory().get("/")
        request.COOKIES[replica.PIN_COOKIE] = value
        assert replica.pinned(request)
        traveller.shift(timedelta(seconds=9))
        assert replica.pinned(request)
        traveller.shift(timedelta(seconds=2))
        assert not replica.pinned(request)
    request.COOKIES[replica.PIN_COOKIE] = "1"
    assert not replica.pinned(request)


def test_a_pinned_user_reads_the_primary_and_is_told_why(with_replica):
    view = replica.reads_from_replica(_view_recording_where_it_rendered)
    request = RequestFactory().get("/")
    request.COOKIES[replica.PIN_COOKIE] = (
        _pin_response("post", signed_in=True).cookies[replica.PIN_COOKIE].value
    )
    assert view(request).content == b"active=False"
    assert request.reads_from == replica.PINNED
    assert "eftersom du nyss gjorde en ändring" in status_text(request.reads_from)


def test_the_lag_text_says_in_step_or_what_is_left_to_replay():
    assert describe(replica.Lag(0, None)) == (
        "Rapporten läses från en replika av databasen, som är i fas med primärdatabasen."
    )
    one = describe(replica.Lag(2048, timedelta(seconds=0.4)))
    assert "2,0\xa0kB återstår att spela upp" in one
    assert "högst den senaste 1 sekunden kan saknas" in one
    many = describe(replica.Lag(300, timedelta(seconds=41.2)))
    assert "högst de senaste 42 sekunderna kan saknas" in many
    assert describe(replica.Lag(300, None)).endswith("300\xa0byte återstår att spela upp.")
    assert "kunde inte läsas" in describe(None)


def test_an_idle_primary_is_in_step_however_old_the_last_replayed_commit():
    """On an idle primary the last replayed commit grows old without any lag."""
    idle = replica.Lag(behind_bytes=0, at_most=None)
    assert idle.caught_up and describe(idle).endswith("i fas med primärdatabasen.")


def test_the_status_tag_renders_nothing_without_a_replica(without_replica):
    request = RequestFactory().get("/")
    request.reads_from = replica.PRIMARY
    html = Template("{% load replica %}{% replica_status %}").render(Context({"request": request}))
    assert html == ""


@pytest.mark.django_db
def test_without_a_replica_the_report_page_and_a_fastställ_are_as_before(without_replica):
    manager = UserFactory(roles=["manager"], units=[unit()])
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("indicators:report"), QUERY)
    assert page.status_code == 200
    assert "replika" not in page.content.decode() and "primärdatabasen" not in page.content.decode()
    saved = client.post(reverse("indicators:save"), {**QUERY, "confirm": "1"})
    assert saved.status_code == 302 and replica.PIN_COOKIE not in saved.cookies


class _Command:
    def __init__(self):
        self.stderr = _Lines()


class _Lines(list):
    def write(self, text):
        self.append(text)


def test_the_indicators_command_reads_the_replica_unless_told_primary(with_replica):
    seen = []
    handle = replica.command_reads_from_replica(lambda cmd, **o: seen.append(replica.active()))
    handle(_Command(), primary=False)
    handle(_Command(), primary=True)
    assert seen == [True, False]


def test_the_indicators_command_warns_when_the_replica_does_not_answer(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_answers", lambda: False)
    command = _Command()
    replica.command_reads_from_replica(lambda cmd, **o: None)(command, primary=False)
    assert command.stderr == ["Replikan svarar inte; rapporten läses från primärdatabasen."]
