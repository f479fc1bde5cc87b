"""Apply a valid file through the same domain services as the web, in one transaction.

Every event goes through `referral_register` or a `casework.services` function with
`batch=`; a refusal becomes a row error. Nothing is written unless every row applies
(import-format.md "Errors and safety").
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import rules, services, store
from casework.models import Case, ImportBatch, Participant
from casework.selectors import visible_cases
from programmes.models import MemberMunicipality, Programme, Unit, Workplace
from referrals.lookup import ProtectedRefusal
from referrals.services import referral_register

from .errors import RowError
from .prepare import already_imported, parse, parse_file
from .rows import FOLLOWUP_CODES, INSATS_EVENTS, Event, RowInvalid
from .scope import ImportScope

__all__ = ["ImportResult", "already_imported", "parse_file", "run_import", "system_user"]

SYSTEM_USERNAME = "import"
Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    filename: str
    rows: int = 0
    applied: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch_id: int | None = None
    dry_run: bool = False
    out_of_scope: list[int] = field(default_factory=list)  # stored cases a row reached for
    # Refused referrals of protected persons: told to their units after the rollback.
    protected: list[ProtectedRefusal] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors


def system_user():
    """The user an import is made by when none is named: the admin role, no password."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Historikimport"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="admin"))
    return user


def run_import(
    data: bytes,
    *,
    filename: str,
    user=None,
    unit: Unit | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batched: bool = True,
    operator: bool | None = None,
) -> ImportResult:
    """Validate and apply the file; write nothing unless every row is valid (IM3).

    `batched` applies it as one unit of work (casework.store.BatchStore); without it
    every event is its own service call, as from the web (the two must agree).
    `operator` (the command line; the default without a `user`) is unrestricted; a
    user's import may touch only that user's cases and units (`scope.ImportScope`).
    """
    operator = user is None if operator is None else operator
    result = ImportResult(filename=filename, dry_run=dry_run)
    sha = hashlib.sha256(data).hexdigest()
    refused = already_imported(sha)
    if refused:
        result.errors.append(refused)
        return result
    parsed = parse(data, filename)
    result.rows, result.errors = parsed.rows, parsed.errors
    if not parsed.rows:
        return result
    try:
        with transaction.atomic():  # the system user too is written only by an import that holds
            _apply(parsed, result, user, unit, dry_run, progress, batched, operator, sha)
    except IntegrityError:  # a concurrent import of the same file won the race
        result.errors = [already_imported(sha) or RowError(0, "", _("Importen krockade."))]
    for refusal in result.protected:
        refusal.tell()
    if result.errors or dry_run:
        result.batch_id = None
    return result


def _apply(parsed, result, user, unit, dry_run, progress, batched, operator, sha) -> None:
    """Inside the import's transaction; rolled back unless every row applied."""
    user = user or system_user()
    # Every journal row labels its author with the user's roles: read the groups once.
    user = type(user).objects.prefetch_related("groups").get(pk=user.pk)
    events = parsed.applicable()
    pnrs = [e.pnr for e in events]
    coaches = [e.coach for e in events if e.coach]
    if operator:
        scope = ImportScope.unrestricted()
        scope.load_coaches(coaches)
    else:
        scope = ImportScope.of_user(user, pnrs, coaches)
    batch = ImportBatch.objects.create(
        sha256=sha, filename=result.filename[:255], rows=result.rows, imported_by=user
    )
    applier = Applier(user=user, unit=unit, batch=batch, progress=progress, scope=scope)
    applier.load_genders(pnrs)
    if batched:
        with store.batch() as session:
            session.preload(pnrs)
            errors = applier.apply(events)
            if not errors and not result.errors:
                session.flush()
    else:
        errors = applier.apply(events)
    result.errors = sorted([*result.errors, *errors], key=lambda e: e.line)
    result.applied = applier.applied
    result.batch_id = batch.pk
    result.out_of_scope = sorted(scope.refused_case_ids)
    result.protected = applier.protected
    if result.errors or dry_run:
        transaction.set_rollback(True)


def in_apply_order(events: list[Event]) -> list[Event]:
    """Person by person in order of first appearance; each person's events by date, then line."""
    first_seen: dict[str, int] = {}
    for i, event in enumerate(events):
        first_seen.setdefault(event.pnr, i)
    return sorted(events, key=lambda e: (first_seen[e.pnr], e.on, e.line))


class Applier:
    """Feeds events to the services; keeps the open case of each person and programme."""

    def __init__(self, *, user, unit: Unit | None, batch: ImportBatch, progress=None, scope=None):
        self.user, self.unit, self.batch, self.progress = user, unit, batch, progress
        self.scope = scope or ImportScope.unrestricted()
        self.genders: dict[str, str] = {}
        self.today = timezone.localdate()
        self.open_case: dict[tuple[str, int], int | None] = {}
        self.last_case: dict[tuple[str, int], int] = {}
        self.workplaces: dict[tuple[int, str, bool], Workplace] = {}
        self.units: dict[int, Unit | None] = {}
        self.case_org: dict[int, int] = {}
        self.homes: dict[tuple[int, str], MemberMunicipality | None] = {}
        self.applied = 0
        self.protected: list[ProtectedRefusal] = []

    def load_genders(self, personnummers) -> None:
        """The stored gender of the file's persons, to hold every row to it (issue 11)."""
        pnrs = sorted(set(personnummers))
        for i in range(0, len(pnrs), 500):
            rows = Participant.objects.filter(personnummer__in=pnrs[i : i + 500])
            if not self.scope.operator:  # a protected person's stored gender is no oracle
                known = visible_cases(self.user).filter(shielded=False).values("participant_id")
                rows = rows.exclude(Q(skyddad_identitet=True) & ~Q(pk__in=known))
            self.genders.update(rows.values_list("personnummer", "gender"))

    def _check_gender(self, event: Event) -> None:
        known = self.genders.setdefault(event.pnr, event.gender)
        if known != event.gender:
            raise RowInvalid(
                RowError(
                    event.line,
                    "kon",
                    _(
                        "Könet stämmer inte med det som redan gäller för personen (i registret "
                        "eller på en tidigare rad i filen). Rätta kolumnen kon."
                    ),
                )
            )

    def apply(self, events: list[Event]) -> list[RowError]:
        errors: list[RowError] = []
        failed: set[str] = set()
        ordered = in_apply_order(events)
        returns = extensions_on_return(ordered)
        for done, event in enumerate(ordered, start=1):
            if event.pnr not in failed and id(event) not in returns.granted:
                error = self._apply_one(event, returns.by_start.get(id(event)))
                if error is None:
                    self.applied += 1 + (id(event) in returns.by_start)
                else:
                    errors.append(error)
                    failed.add(event.pnr)  # later rows of this person would only echo it
            if self.progress is not None:
                self.progress(done, len(ordered))
        return sorted(errors, key=lambda e: e.line)

    def _apply_one(self, event: Event, extension: Event | None = None) -> RowError | None:
        try:
            self._check_gender(event)
            if event.kind == "aktualisering":
                self._refer(event)
            else:
                self._case_event(event, extension)
        except RowInvalid as exc:
            return exc.error
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ProtectedRefusal):
                self.protected.append(exc)
            return RowError(event.line, self._blame(event), _reason(exc))
        return None

    def _blame(self, event: Event) -> str:
        """`datum` when the date is what the rules refuse, else the event itself."""
        if event.kind == "aktualisering":
            return "datum" if event.on > self.today else "handelse"
        case_id = self._case_id(event, required=False)
        if case_id is None:
            return "handelse"
        case = store.current().peek(case_id)
        if rules.effective_date_refusal(case, event.on, self.today):
            return "datum"
        return "handelse"

    # --- cases -----------------------------------------------------------------------------

    def _refer(self, event: Event) -> None:
        case = referral_register(
            personnummer_value=event.pnr,
            gender=event.gender,
            programme=event.programme,
            unit=self._unit(event),
            on=event.on,
            income_support=event.detail,
            source=event.source,
            first_name=event.first_name,
            last_name=event.last_name,
            risk_note=_risk_note(event, self.batch),
            by=self.user,
            batch=self.batch,
            baseline_step=event.baseline_step,
            home_municipality=self._home(event),
            target_groups=event.target_groups,
            operator=self.scope.operator,
        )
        key = (event.pnr, event.programme.pk)
        case_id = store.current().key(case)
        self.open_case[key] = self.last_case[key] = case_id
        self.case_org[case_id] = case.unit.organisation_id
        self.scope.opened(case_id)
        if event.coach:
            services.case_assign_coach(
                case_id=case_id, coach=self._coach(event, case.unit_id), by=self.user
            )

    def _home(self, event: Event):
        return _home(event, self.homes)

    def _coach(self, event: Event, unit_id: int):
        coach = self.scope.coach(unit_id, event.coach)
        if coach is None:
            raise RowInvalid(
                RowError(
                    event.line,
                    "coach",
                    _(
                        "Okänd coach: %(u)s. Ange användarnamnet på en coach i ärendets enhet "
                        "som du får tilldela ärenden."
                    )
                    % {"u": event.coach},
                )
            )
        return coach

    def _case_id(self, event: Event, *, required: bool = True) -> int | None:
        key = (event.pnr, event.programme.pk)
        if event.kind == "uppfoljning":
            case_id = _followup_case(event) or self.last_case.get(key) or _latest_case(event)
        else:
            if key not in self.open_case:
                self.open_case[key] = _latest_case(event, open_only=True)
            case_id = self.open_case[key]
        if case_id is not None and not self.scope.may_write(case_id):
            self.scope.refused_case_ids.add(case_id)
            case_id = None  # out of scope answers as if there were no case (S2)
        if case_id is None and required:
            raise RowInvalid(
                RowError(
                    event.line,
                    "handelse",
                    _(
                        "Personen har inget öppet ärende i %(p)s som du får ändra; "
                        "raden behöver en aktualisering först."
                    )
                    % {"p": event.programme.code},
                )
            )
        return case_id

    def _case_event(self, event: Event, extension: Event | None = None) -> None:
        case_id = self._case_id(event)
        common = {"case_id": case_id, "on": event.on, "by": self.user, "batch": self.batch}
        kind = event.kind
        if kind == "samrad":
            services.samrad_record(note=event.detail, **common)
        elif kind in INSATS_EVENTS:
            self._start(event, common, extension)
        elif kind == "forlangning":
            services.spell_extend(reason=event.detail, **common)
        elif kind == "kompetens_start":
            services.enrolment_start(course=event.detail, **common)
        elif kind == "kompetens_slut":
            services.enrolment_end(course=event.detail, **common)
        elif kind == "avslut":
            services.case_exit(
                reason_code=event.detail,
                employment_form=event.employment_form,
                studiemedel=event.studiemedel,
                **common,
            )
            self.open_case[(event.pnr, event.programme.pk)] = None
        elif kind == "uppfoljning":
            services.followup_record(receives_eb=FOLLOWUP_CODES[event.detail], **common)

    def _start(self, event: Event, common: dict, extension: Event | None = None) -> None:
        workplace = None
        if event.workplace_name:
            org_id = self.case_org.get(common["case_id"])
            if org_id is None:
                org_id = Case.objects.values_list("unit__organisation_id", flat=True).get(
                    pk=common["case_id"]
                )
            workplace = self._workplace(org_id, event.workplace_name, event.kommunal)
        services.case_start_insats(
            insats=event.kind,
            workplace=workplace,
            is_osa=event.detail.upper() == "OSA",
            planned_end=event.planned_end,
            extension_reason=extension.detail if extension is not None else None,
            **common,
        )

    def _workplace(self, org_id: int, name: str, kommunal: bool) -> Workplace:
        key = (org_id, name, kommunal)
        if key not in self.workplaces:
            self.workplaces[key] = Workplace.objects.get_or_create(
                organisation_id=org_id, name=name, kommunal=kommunal
            )[0]
        return self.workplaces[key]

    def _unit(self, event: Event) -> Unit:
        """`--unit` for its own programmes; otherwise the owner's only unit."""
        programme = event.programme
        if programme.pk not in self.units:
            self.units[programme.pk] = unit_for(programme, self.unit)
        unit = self.units[programme.pk]
        if unit is not None and not self.scope.may_use_unit(unit):
            raise RowInvalid(
                RowError(
                    event.line,
                    "program",
                    _(
                        "Du får inte registrera aktualiseringar i %(p)s för enheten %(u)s. "
                        "Välj en av dina enheter."
                    )
                    % {"p": programme.code, "u": unit.name},
                )
            )
        if unit is None:
            raise RowInvalid(
                RowError(
                    event.line,
                    "program",
                    _("Programmet %(p)s finns i flera enheter: ange vilken enhet (--unit).")
                    % {"p": programme.code},
                )
            )
        return unit


def unit_for(programme: Programme, chosen: Unit | None) -> Unit | None:
    organisations = {programme.owner_id, *(o.pk for o in programme.shared_with.all())}
    if chosen is not None and chosen.organisation_id in organisations:
        return chosen
    units = list(Unit.objects.filter(organisation_id=programme.owner_id)[:2])
    return units[0] if len(units) == 1 else None


@dataclass
class _Returns:
    by_start: dict[int, Event] = field(default_factory=dict)  # id(start) → its forlangning
    granted: set[int] = field(default_factory=set)  # id(forlangning) applied with its start


def extensions_on_return(ordered: list[Event]) -> _Returns:
    """A `forlangning` dated the day of an insats row, right after it, is granted with that
    start: the unused extension on return (import-format.md 2026-12)."""
    found = _Returns()
    for start, nxt in itertools.pairwise(ordered):
        if (
            start.kind in INSATS_EVENTS
            and nxt.kind == "forlangning"
            and (nxt.pnr, nxt.programme.pk, nxt.on) == (start.pnr, start.programme.pk, start.on)
        ):
            found.by_start[id(start)] = nxt
            found.granted.add(id(nxt))
    return found


def _followup_case(event: Event) -> int | None:
    """The case of the person's earliest ended anställning in the programme that has no
    follow-up and is due on or before `datum` + 14 days (import-format.md 2026-12)."""
    uow = store.current()
    due = []
    for case in uow.cases_of(event.pnr, event.programme):
        spell = rules.followup_target(uow.facts(case), event.on)
        if spell is not None:
            due.append((spell.end, case.referred_on, uow.key(case)))
    return min(due)[2] if due else None


def _latest_case(event: Event, *, open_only: bool = False) -> int | None:
    uow = store.current()
    cases = uow.cases_of(event.pnr, event.programme)  # oldest first
    if open_only:
        cases = [c for c in cases if c.is_open]
    latest = max(reversed(cases), key=lambda c: c.referred_on, default=None)
    return None if latest is None else uow.key(latest)


def _risk_note(event: Event, batch: ImportBatch) -> str:
    """The format has no column for the RISK note: say where the exception came from."""
    if event.detail != "RISK":
        return ""
    return _("Undantaget RISK kommer från importerad historik: %(file)s, rad %(line)s.") % {
        "file": batch.filename,
        "line": event.line,
    }


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Behörighet saknas.")


def _home_of(programme: Programme, name: str) -> MemberMunicipality | None:
    return programme.municipalities.filter(name__iexact=name).first()


def _home(event: Event, homes: dict[tuple[int, str], MemberMunicipality | None]):
    """The named member municipality of the programme, or a row error (issue 13); `homes`
    keeps each programme's answer per name, so a file that names one on every referral
    asks once per name."""
    if not event.home_municipality:
        return None
    key = (event.programme.pk, event.home_municipality)
    if key not in homes:
        homes[key] = _home_of(event.programme, event.home_municipality)
    home = homes[key]
    if home is None:
        raise RowInvalid(
            RowError(
                event.line,
                "hemkommun",
                _("%(m)s är inte en medlemskommun i %(p)s.")
                % {"m": event.home_municipality, "p": event.programme.code},
            )
        )
    return home
