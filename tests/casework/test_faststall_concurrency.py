"""Two managers fastställ the same period at once: two versions, 1 and 2, never two 1s.

Each save reads the latest version and writes the next; the window between the read and
the write is widened here (a pause after the read), so without the lock on the scope both
saves would read "no version yet" and both write version 1."""

import threading
import time

import pytest
from django.db import connection

from casework.indicators import saving
from casework.indicators.periods import tertial
from casework.models import SavedReport
from programmes.models import Programme
from tests.factories import UserFactory, unit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseeded"),
]
P = tertial(2026, 1)
DATA = {"indicators": {"UT5": {"total": 1, "K": 1, "M": 0, "X": 0}}, "goals": []}


@pytest.fixture
def slow_read(monkeypatch):
    """The latest version is read, then the saver pauses before it writes the next one."""
    read = saving.latest_version

    def latest_then_pause(period, programme):
        found = read(period, programme)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(saving, "latest_version", latest_then_pause)


def _race(programme, users) -> list:
    barrier = threading.Barrier(len(users))
    outcomes: list = [None] * len(users)

    def run(i, user):
        try:
            barrier.wait()
            saving.faststall(data=DATA, chart={}, period=P, programme=programme,
                             programme_ids=[], user=user)  # fmt: skip
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _managers():
    return [UserFactory(username=f"chef{i}", roles=["manager"], units=[unit()]) for i in (1, 2)]


@pytest.mark.usefixtures("slow_read")
def test_two_faststall_of_all_programmes_at_once_get_versions_1_and_2():
    assert _race(None, _managers()) == [None, None]
    saved = list(SavedReport.objects.filter(programme=None).order_by("version"))
    assert [s.version for s in saved] == [1, 2]
    assert saved[1].replaces_id == saved[0].pk and saved[0].replaces_id is None


@pytest.mark.usefixtures("slow_read")
def test_two_faststall_of_one_programme_at_once_get_versions_1_and_2():
    jobbtorg = Programme.objects.get(code="JOBBTORG")
    assert _race(jobbtorg, _managers()) == [None, None]
    assert sorted(SavedReport.objects.values_list("version", flat=True)) == [1, 2]


@pytest.mark.usefixtures("slow_read")
def test_all_programmes_and_one_programme_are_separate_scopes():
    """The lock is per scope: the programme's first version is 1 beside all programmes' 1."""
    jobbtorg = Programme.objects.get(code="JOBBTORG")
    chef1, chef2 = _managers()
    saving.faststall(data=DATA, chart={}, period=P, programme=None, programme_ids=[], user=chef1)
    saving.faststall(data=DATA, chart={}, period=P, programme=jobbtorg, programme_ids=[],
                     user=chef2)  # fmt: skip
    assert set(SavedReport.objects.values_list("programme__code", "version")) == {
        ("JOBBTORG", 1),
        (None, 1),
    }
