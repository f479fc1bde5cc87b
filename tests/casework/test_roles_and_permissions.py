"""A request's roles, units and permissions come from one query (issue 15), and say exactly
what Django's ModelBackend and the user's units say for the same user read afresh."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from audit.services import log_read
from casework.selectors import roles_of, unit_codes_of
from programmes.models import Unit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["coach", "coordinator", "manager", "auditor", "admin", "leverantor"]


def every_permission() -> list[str]:
    return sorted(
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    )


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("roles", [[r] for r in ROLES] + [["coach", "coordinator"], []])
def test_roles_of_answers_every_has_perm_as_model_backend_without_more_queries(roles):
    units = list(Unit.objects.order_by("-code")[:2])
    user = UserFactory(roles=roles, units=units)
    user.user_permissions.add(Permission.objects.get(codename="view_group"))
    loaded, perms = fresh(user), every_permission()
    with CaptureQueriesContext(connection) as queries:
        assert roles_of(loaded) == set(roles)
        answers = {perm: loaded.has_perm(perm) for perm in perms}
        all_of_them = loaded.get_all_permissions()
        codes = unit_codes_of(loaded)
    assert len(queries) == 1
    assert codes == sorted(u.code for u in units) == unit_codes_of(fresh(user))
    reference = fresh(user)  # ModelBackend's own queries
    assert answers == {perm: reference.has_perm(perm) for perm in perms}
    assert all_of_them == reference.get_all_permissions()
    assert "auth.view_group" in all_of_them


def test_a_permission_taken_from_a_role_counts_at_the_next_request():
    user = UserFactory(roles=["coach"])
    first = fresh(user)
    roles_of(first)
    assert first.has_perm("casework.change_insats")
    Group.objects.get(name="coach").permissions.remove(
        Permission.objects.get(codename="change_insats")
    )
    second = fresh(user)
    roles_of(second)
    assert not second.has_perm("casework.change_insats")


def test_a_superuser_keeps_every_permission():
    user = UserFactory(roles=["coach"], is_superuser=True)
    loaded = fresh(user)
    assert roles_of(loaded) == {"coach"}
    assert loaded.get_all_permissions() == set(every_permission())


def test_an_inactive_user_has_no_roles_and_no_permissions():
    user = UserFactory(roles=["coach"], is_active=False)
    loaded = fresh(user)
    assert roles_of(loaded) == set()
    assert not loaded.has_perm("casework.change_insats")


def test_the_access_log_names_the_units_of_the_request_and_a_unit_left_counts_next():
    first_unit, second_unit = Unit.objects.order_by("code")[:2]
    user = UserFactory(roles=["coach"], units=[second_unit, first_unit])
    reader = fresh(user)
    roles_of(reader)
    row = log_read(user=reader, action="case.caseload", participant_ids=[])
    assert AccessLog.objects.get(pk=row.pk).unit_codes == f"{first_unit.code},{second_unit.code}"
    second_unit.members.remove(user)
    reader = fresh(user)
    roles_of(reader)
    assert log_read(user=reader, action="case.caseload", participant_ids=[]).unit_codes == (
        first_unit.code
    )
