"""Reads of personal data. `visible_cases` is the one scoping rule (S1–S3, S5, P1, A1–A5).

Every view, export, command and API that reads cases or participants starts here;
nothing re-implements the rule. `docs/access-control.md` is the matrix these follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext, ngettext

from programmes.models import Programme, Unit

from . import rules
from .models import Case, FollowUp, Participant, State, Transition
from .prepared import Marker, Prepared, prepare_models

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import CaseQuerySet

ROLES_WITH_PERSONAL_DATA = ("coordinator", "coach")
AUDIT_ROLES = ("auditor", "admin")


def roles_of(user: Any) -> set[str]:  # any request.user, anonymous too
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        _load_who(user)
        cached = cast(set[str], user._role_names)
    return cached


def unit_codes_of(user: Any) -> list[str]:
    """The codes of the units the user belongs to, sorted (the access log's reader unit)."""
    cached = getattr(user, "_unit_codes", None)
    if cached is None:
        cached = sorted(user.units.using(_primary()).values_list("code", flat=True))
    return cached


def _primary() -> str:
    """Who the user is is read from the primary, also inside a report that reads a replica
    (config.replica): a role or unit taken away must not live on in a lagging standby."""
    return router.db_for_write(Unit) or DEFAULT_DB_ALIAS


def _load_who(user: Any) -> None:
    """The user's roles (groups), units, and for ModelBackend their group and own
    permissions, in one query. Every request asks for the roles; a read of personal data
    logs the units; a case page and a state change ask `has_perm`. Apart, that was four
    queries a request (~1.5 ms of CPU, issue 15). Read afresh from the primary for each
    request's user, so a role, unit or permission taken away counts at the next request.
    A superuser's permissions are all of them: left to ModelBackend."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    model = get_user_model()  # `user` may be request.user's lazy object
    user_groups = model.groups.through._meta.db_table
    own = model.user_permissions.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    perm, content_type = Permission._meta.db_table, ContentType._meta.db_table
    members = Unit.members.through._meta.db_table
    sql = f"""
        SELECT 'g', g.name, ct.app_label, p.codename
        FROM {user_groups} ug JOIN {Group._meta.db_table} g ON g.id = ug.group_id
        LEFT JOIN {group_perms} gp ON gp.group_id = g.id
        LEFT JOIN {perm} p ON p.id = gp.permission_id
        LEFT JOIN {content_type} ct ON ct.id = p.content_type_id
        WHERE ug.user_id = %s
        UNION ALL
        SELECT 'u', NULL, ct.app_label, p.codename
        FROM {own} up JOIN {perm} p ON p.id = up.permission_id
        JOIN {content_type} ct ON ct.id = p.content_type_id
        WHERE up.user_id = %s
        UNION ALL
        SELECT 'n', un.code, NULL, NULL
        FROM {members} m JOIN {Unit._meta.db_table} un ON un.id = m.unit_id
        WHERE m.user_id = %s"""
    with connections[_primary()].cursor() as cursor:
        cursor.execute(sql, [user.pk] * 3)
        rows = cursor.fetchall()
    if not user.is_superuser and not hasattr(user, "_perm_cache"):
        # ModelBackend's own per-user caches (django.contrib.auth.backends): with other
        # names in a later Django it would query as before, never answer wrongly.
        granted: dict[str, set[str]] = {kind: set() for kind in "gu"}
        for kind, _name, app, code in rows:
            if kind in granted and code is not None:
                granted[kind].add(f"{app}.{code}")
        user._group_perm_cache, user._user_perm_cache = granted["g"], granted["u"]
    user._unit_codes = sorted(name for kind, name, _app, _code in rows if kind == "n")
    user._role_names = {name for kind, name, _app, _code in rows if kind == "g"}


def _own_units(user: User) -> QuerySet[Unit] | list[int]:
    return _membership(Unit.objects.filter(members=user))


def _membership(query: QuerySet[Any]) -> QuerySet[Any] | list[int]:
    """Which units or programmes the scoping rule names: a subquery where cases are read
    on the primary (the compiled hot queries differ only by the user's id), the ids read
    on the primary where they are read on a replica (a report, its drill-down, the
    auditor's pages: config.replica). A lagging standby must not keep a unit taken away,
    nor a programme no longer shared, in scope until it replays: who the reader is comes
    from the primary (`_primary`), as the roles and `unit_codes_of` do."""
    if router.db_for_read(Case) == _primary():
        return query
    return list(query.using(_primary()).values_list("pk", flat=True))


def visible_cases(user: User) -> CaseQuerySet:
    """Who may read a case's personal data.

    - coach: the cases assigned to them (S1);
    - coordinator: every case of their units (S1), plus the cases of programmes that
      another organisation explicitly shares with the coordinator's organisation (S5),
      except skyddad identitet there: only the unit's own coordinators see those (P1);
    - manager, auditor, admin and everyone else: no case records (S3).
    Units of different organisations are therefore isolated unless a programme says so.
    """
    roles = roles_of(user)
    scope = Q(pk__in=[])
    if "coordinator" in roles:
        shared = _membership(Programme.objects.filter(shared_with__units__members=user))
        scope |= Q(unit__in=_own_units(user))
        scope |= Q(programme__in=shared, participant__skyddad_identitet=False)
    if "coach" in roles:
        scope |= Q(coach=user)
    if "api_client" in roles:  # a system client's service user: its unit, never P1 (issue 16)
        # except the shielded cases it registered itself, which show only what it sent: a
        # protected person then answers like a new one (issue 17 item 4).
        unprotected = Q(participant__skyddad_identitet=False) | Q(shielded=True)
        scope |= Q(unit__api_clients__user=user) & unprotected
    if scope == Q(pk__in=[]):
        return Case.objects.none()
    return Case.objects.filter(scope)


# Queries through `visible_cases`, compiled once per name, database, user and role set:
# the rule reads the user's units and shared programmes by subquery, so its SQL differs
# only by the user's id and roles. Building and compiling a hot page's queries cost more
# CPU than running them (issue 15); the API's participation read is compiled the same way.
_compiled: dict[tuple[Any, ...], Prepared] = {}


def compiled_for(user: User, name: str, build: Callable[[str], Prepared]) -> Prepared:
    """`build(alias)`, the query `name` of `user` compiled for the database Case reads use,
    built on the first call and reused after."""
    alias = router.db_for_read(Case)
    if alias != _primary():  # on a replica the rule names the user's units by id
        return build(alias)
    key = (name, alias, user.pk, frozenset(roles_of(user)))
    prepared = _compiled.get(key)  # one read: another thread may clear the dict meanwhile
    if prepared is None:
        if len(_compiled) > 5000:  # a bound, not a cache: a few queries per active user
            _compiled.clear()
        prepared = _compiled[key] = build(alias)
    return prepared


def day_marker(alias: str, name: str, n: int = 0) -> tuple[Marker, date]:
    """A day to compile a query with, never a real one, and its marker: the call gives
    `name` as `day_value(alias, day)`. `n` tells several markers of one query apart."""
    day = date(1900, 1, 1) + timedelta(days=n)
    return Marker(name, day_value(alias, day)), day


def day_value(alias: str, day: date) -> Any:
    """A date as the compiled query holds it (SQLite: text)."""
    return connections[alias].ops.adapt_datefield_value(day)


def visible_participants(user: User) -> QuerySet[Participant]:
    return Participant.objects.filter(pk__in=visible_cases(user).values("participant_id"))


def auditable_cases(user: User) -> CaseQuerySet:
    """Cases whose log and history an auditor (or admin) may review: their units' cases,
    never a skyddad-identitet person (P1: only the assigned coach and the unit's
    coordinators see those)."""
    if not set(AUDIT_ROLES) & roles_of(user):
        return Case.objects.none()
    return Case.objects.filter(unit__in=_own_units(user), participant__skyddad_identitet=False)


def auditable_participants(user: User) -> QuerySet[Participant]:
    return Participant.objects.filter(pk__in=auditable_cases(user).values("participant_id"))


_ANY_CASE = -7_654_321  # the case id `case_in_scope_or_404` is compiled with


def case_in_scope_or_404(user: User, case_id: int, *, route: str = "") -> Case:
    """The case if the user may see it; else 404, the same as a missing id (S2), and a signal.

    Compiled once per user and role set (`compiled_for`): every case page and every write
    on a case asks it first."""
    from .signals import scope_refused

    def build(alias: str) -> Prepared:
        query = (
            visible_cases(user)
            .select_related("participant", "programme", "unit", "coach")
            .filter(pk=_ANY_CASE)
            .order_by("pk")[:1]
        )
        return prepare_models(query, alias, Marker("case_id", _ANY_CASE))

    found = compiled_for(user, "case", build).instances(case_id=int(case_id))
    if not found:
        scope_refused.send(sender=Case, user=user, case_id=case_id, route=route)
        raise Http404
    return cast(Case, found[0])


# --- the coach's workspace: reminders, caseload rows, inactivity, timeline -----------------

REMINDER_HORIZON_DAYS = 14
FOLLOWUP_MONTHS = 6
# The columns a list of cases shows or computes with (the caseload, its reminders, the
# reminder e-mail): name, masked number, programme, state and dates; nothing else is read
# (issue 15: each column costs CPU to select, convert and set on every row).
LIST_COLUMNS = (
    "participant__first_name",
    "participant__last_name",
    "participant__personnummer",
    "programme__code",
    "state",
    "state_since",
    "deadline",
    "last_event_on",
    "coach_id",
    "version",
    "shielded",
    "shown_name",
)


@dataclass(frozen=True)
class Reminder:
    """One thing a coach must act on: a spell due soon, an overstay or a follow-up due."""

    kind: str  # "due", "overstay" or "followup"
    case: Case
    on: date  # the deadline, or the date the follow-up is due
    days: int  # days left (due), days past (overstay), days until/after due (followup)

    @property
    def text(self) -> str:
        """The reminder as a sentence, on the caseload and in the coach's e-mail."""
        if self.kind == "overstay":
            text = ngettext(
                "Överskriden med %(days)s dag (slutdatum %(on)s)",
                "Överskriden med %(days)s dagar (slutdatum %(on)s)",
                self.days,
            )
        elif self.kind == "due":
            text = ngettext(
                "Slutdatum %(on)s, om %(days)s dag",
                "Slutdatum %(on)s, om %(days)s dagar",
                self.days,
            )
        else:
            text = gettext("Uppföljning 6 månader efter anställning, %(on)s")
        return text % {"days": self.days, "on": self.on.isoformat()}


def followups_due(cases: QuerySet[Case], *, until: date) -> list[tuple[Case, date, date]]:
    """Ended anställningar without a follow-up whose 6-month date is on or before `until`.

    One query whatever the number of cases: the spell end is the date of the current
    transition that leaves `anstallning` (000 §4.5, UT6).
    """
    return _due(list(_followups_query(cases)), until)


def _followups_query(cases: QuerySet[Case]) -> QuerySet[Transition]:
    followed = FollowUp.objects.filter(
        case=OuterRef("case"), spell_ended_on=OuterRef("effective_on"), corrections__isnull=True
    )
    return (
        Transition.objects.filter(
            case__in=cases, from_state=State.ANSTALLNING, corrections__isnull=True
        )
        .exclude(Exists(followed))
        .select_related("case__participant", "case__programme")
        .only("effective_on", "case", *(f"case__{column}" for column in LIST_COLUMNS))
        .order_by("effective_on", "pk")
    )


def _due(rows: list[Transition], until: date) -> list[tuple[Case, date, date]]:
    result = []
    for row in rows:
        due = rules.add_months(row.effective_on, FOLLOWUP_MONTHS)
        if due <= until:
            result.append((row.case, row.effective_on, due))
    return result


def coach_followups(user: User) -> list[tuple[Case, date, date]]:
    """`followups_due` over every case in scope assigned to the user, open or ended."""

    def build(alias: str) -> Prepared:
        return prepare_models(_followups_query(visible_cases(user).filter(coach=user)), alias)

    rows: list[Any] = compiled_for(user, "followups", build).instances()
    return _due(rows, date.max)


def reminders_for(
    user: User, *, today: date, followups: list[tuple[Case, date, date]] | None = None
) -> list[Reminder]:
    """The coach's due spells, overstays and follow-ups: the e-mail and the caseload's top list.

    `followups` is `coach_followups(user)` when the caller has it already.
    """
    horizon = today + timedelta(days=REMINDER_HORIZON_DAYS)
    spells_due = (
        visible_cases(user)
        .filter(coach=user)
        .open()
        .filter(deadline__isnull=False, deadline__lte=horizon)
        .select_related("participant", "programme")
        .only(*LIST_COLUMNS)
        .order_by("deadline", "pk")
    )
    return _reminders(
        list(spells_due), today, coach_followups(user) if followups is None else followups
    )


def _reminders(
    spells_due: list[Case], today: date, followups: list[tuple[Case, date, date]]
) -> list[Reminder]:
    items = []
    for case in spells_due:
        assert case.deadline is not None  # the query filters deadline__isnull=False
        if case.deadline < today:
            items.append(Reminder("overstay", case, case.deadline, (today - case.deadline).days))
        else:
            items.append(Reminder("due", case, case.deadline, (case.deadline - today).days))
    horizon = today + timedelta(days=REMINDER_HORIZON_DAYS)
    for case, _ended, due in followups:
        if due <= horizon:
            items.append(Reminder("followup", case, due, (due - today).days))
    return sorted(items, key=lambda r: (r.on, r.case.pk, r.kind))


def caseload_attention(
    user: User, *, today: date, followups: list[tuple[Case, date, date]]
) -> tuple[list[Reminder], list[Case]]:
    """The caseload's top lists in one query: `reminders_for` and the coach's own
    `inactive_cases`, from the coach's open cases that are due, overstayed or idle (issue 15:
    each query costs ~2 ms of CPU to build; these two read the same cases)."""
    horizon = today + timedelta(days=REMINDER_HORIZON_DAYS)
    idle_since = today - timedelta(days=inactivity_days())

    def build(alias: str) -> Prepared:
        (by, horizon_any), (idle, idle_any) = (
            day_marker(alias, "horizon"),
            day_marker(alias, "idle_since", 1),
        )
        query = (
            visible_cases(user)
            .filter(coach=user)
            .open()
            .filter(Q(deadline__lte=horizon_any) | Q(last_event_on__lte=idle_any))
            .select_related("participant", "programme")
            .only(*LIST_COLUMNS)
        )
        return prepare_models(query, alias, by, idle)

    query = compiled_for(user, "attention", build)
    cases: list[Any] = query.instances(
        horizon=day_value(query.alias, horizon), idle_since=day_value(query.alias, idle_since)
    )
    due = [c for c in cases if c.deadline is not None and c.deadline <= horizon]
    due.sort(key=lambda c: (c.deadline, c.pk))
    idle = [c for c in cases if c.last_event_on <= idle_since]
    idle.sort(key=lambda c: (c.last_event_on, c.pk))
    return _reminders(due, today, followups), idle


def inactivity_days() -> int:
    return int(getattr(settings, "CASEWORK_INACTIVITY_DAYS", 30))


def inactive_cases(user: User, *, today: date, days: int | None = None) -> QuerySet[Case]:
    """Open cases in scope with no recorded event for `days` days, oldest first."""
    days = inactivity_days() if days is None else days
    return (
        visible_cases(user)
        .open()
        .filter(last_event_on__lte=today - timedelta(days=days))
        .select_related("participant", "programme", "coach")
        .order_by("last_event_on", "pk")
    )


def caseload(user: User) -> QuerySet[Case]:
    """The coach's own open cases, ready for a list: deadline first, no deadline last."""
    return (
        visible_cases(user)
        .open()
        .filter(coach=user)
        .select_related("participant", "programme")
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    )


def auditable_participant_or_404(
    user: User, participant_id: int, *, route: str = ""
) -> Participant:
    """The participant if the user may audit them; else 404 and the refusal signal (A5)."""
    from .signals import scope_refused

    person = auditable_participants(user).filter(pk=participant_id).first()
    if person is None:
        scope_refused.send(
            sender=Participant, user=user, case_id=None, participant_id=participant_id, route=route
        )
        raise Http404
    return person
