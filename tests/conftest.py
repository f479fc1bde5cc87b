import os
from datetime import date

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from casework.services import samrad_record
from programmes.models import Programme
from referrals.services import referral_register

from .factories import UserFactory, make_pnr, unit


class OneRequestAtATime(WSGIServer):
    """The live server answers one request at a time.

    With the in-memory SQLite test database, Django's threaded live server gives every
    request thread the one shared connection. Two requests at once (the report page and
    the charts it loads) can then wait on each other for ever: one is inside a query that
    calls back into Python (Django's SQLite functions) and needs the GIL, the other holds
    the GIL while it binds parameters and needs the connection (seen in CI); or one
    releases the other's savepoint ("no such savepoint", seen in CI). In production each
    thread has a connection of its own, so this is the tests' own arrangement.

    Set for the whole run, not by the browser tests alone: pytest-django's live server
    lives for the session, and when a load-probe test (tests/bench) on the same xdist
    worker started it first, the browser tests after it got the threaded server."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


def pytest_configure(config):
    LiveServerThread.server_class = OneRequestAtATime


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass; elsewhere they are skipped."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


def load_migration_rows() -> None:
    """The programmes, units and role groups the data migrations create; safe to repeat."""
    from django.contrib.auth.models import Group, Permission

    from casework import roles
    from programmes import seed
    from programmes.models import (
        Goal,
        InsatsRule,
        MemberMunicipality,
        Organisation,
        Programme,
        ProgrammeBudget,
        Unit,
    )

    seed.load(Organisation, Unit, Programme, InsatsRule)
    seed.apply_revision_2026_12(Programme, InsatsRule)
    seed.load_agreements(Programme, Unit, MemberMunicipality)
    seed.load_budgets(Programme, ProgrammeBudget)
    seed.load_goals(Programme, Goal)
    from surveys.defaults import load_defaults
    from surveys.models import SurveyQuestion

    load_defaults(Programme, SurveyQuestion)
    roles.load(Group, Permission)


@pytest.fixture
def reseeded(transactional_db):
    """Transactional tests flush every table after they run, the migrations' rows included."""
    load_migration_rows()


@pytest.fixture
def jobbtorg(db):
    return Programme.objects.get(code="JOBBTORG")


@pytest.fixture
def coordinator(db):
    return UserFactory(username="samordnare", roles=["coordinator"], units=[unit()])


@pytest.fixture
def coach(db):
    return UserFactory(username="coach", roles=["coach"], units=[unit()])


@pytest.fixture
def refer(coordinator, jobbtorg):
    """Log a Jobbtorg referral for a new person; keyword arguments override the defaults."""
    counter = iter(range(100, 999))

    def _refer(on=date(2026, 1, 2), **kwargs):
        fields = {
            "personnummer_value": make_pnr(date(1990, 5, 17), next(counter)),
            "gender": "K",
            "programme": jobbtorg,
            "unit": unit(),
            "on": on,
            "income_support": "EB_ARBETSLOSHET",
            "by": coordinator,
        } | kwargs
        return referral_register(**fields)

    return _refer


@pytest.fixture
def ready_case(refer, coordinator):
    """A Jobbtorg case referred 2 Jan 2026 with a samråd the same day."""
    case = refer()
    samrad_record(case_id=case.pk, on=date(2026, 1, 2), by=coordinator)
    return case
