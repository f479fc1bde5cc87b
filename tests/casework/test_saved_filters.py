"""Saved filters: a caseload or queue filter under a name, per user, re-run when opened."""

import pytest
from django.http import QueryDict

from casework.models import SavedFilter
from casework.rules import CaseRuleError
from casework.saved_filters import clean_query, saved_filter_save
from tests.factories import UserFactory, unit

from .coach_fixtures import *  # noqa: F403  (fixtures)


def test_saving_stores_only_the_filter_and_shows_it_on_the_page(client, coach):
    client.force_login(coach)
    response = client.post(
        "/urval/spara/",
        {"saved_page": "caseload", "name": "Över tiden", "query": "overstay=yes&sida=3"},
    )
    saved = SavedFilter.objects.get(user=coach)
    assert (saved.page, saved.name, saved.query) == ("caseload", "Över tiden", "overstay=yes")
    assert response.url == "/arenden/?overstay=yes"
    html = client.get("/arenden/").content.decode()
    assert '<a href="?overstay=yes">Över tiden</a>' in html


def test_saved_filters_are_per_user(client, coach):
    saved_filter_save(user=coach, page="caseload", name="Mitt", query=QueryDict("state=x"))
    other = UserFactory(roles=["coach"], units=[unit()])
    client.force_login(other)
    assert "Mitt" not in client.get("/arenden/").content.decode()
    client.post(f"/urval/{SavedFilter.objects.get().pk}/ta-bort/", {"saved_page": "caseload"})
    assert SavedFilter.objects.count() == 1  # another user's filter is not theirs to remove


def test_the_queue_saves_its_filter_too(client, coordinator):
    client.force_login(coordinator)
    client.post(
        "/urval/spara/", {"saved_page": "queue", "name": "Socialtjänsten", "query": "source=SOC"}
    )
    html = client.get("/aktualiseringar/").content.decode()
    assert '<a href="?source=SOC">Socialtjänsten</a>' in html


def test_a_name_is_required_and_the_same_name_replaces(coach):
    with pytest.raises(CaseRuleError):
        saved_filter_save(user=coach, page="caseload", name="  ", query=QueryDict(""))
    saved_filter_save(user=coach, page="caseload", name="A", query=QueryDict("state=x"))
    saved_filter_save(user=coach, page="caseload", name="A", query=QueryDict("state=y"))
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["state=y"]


def test_clean_query_drops_paging_and_odd_keys():
    assert clean_query(QueryDict("page=2&per_page=50&state=x&Bad-Key=1")) == "state=x"
