"""Bulk-load a `generate_history` file for the benchmark — NOT a user command.

`import_history` sends every event through the domain services as one unit of work
(~1,500 rows/s on a 2-core machine, every row held in memory until the end): a million
persons' 5.8 million events are more than one all-or-nothing import should hold. This
loader reads the same file with the importer's own reader and row parser, replays each
person's events in the importer's order (`in_apply_order`), and writes exactly the rows
the services would write with `bulk_create` in large batches — WITHOUT re-checking the
rules: a generated file is valid by construction (apart from the programmes' place
limits, which the benchmark clears for `import_history` too), and
`tests/referrals/test_bulk_load_equivalence.py` shows the result is the same database
content as `import_history` on a small file.

Not written for bulk data (and excluded from that comparison): the audit hash chain
(`verify_audit` is not part of the benchmark), django-simple-history rows, and the
ImportBatch (journal rows get `batch=None`). Journal rows carry the importer's system
user and its actor label, like an import.

Usage: DATABASE_URL=... python bench/bulk_load.py FILE [--unit CODE]   (prints one JSON line)
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


@dataclass
class Spell:
    state: str
    start: date
    is_osa: bool = False
    planned_end: date | None = None
    end: date | None = None


@dataclass
class OpenCase:
    """What the loader needs to know of a case while replaying its events."""

    obj: dict  # the casework_case row being built
    org_id: int
    seq: int = 1
    spells: list[Spell] = field(default_factory=list)
    extensions: dict[str, int] = field(default_factory=dict)
    last_ext: dict[str, tuple[date, int | None]] = field(default_factory=dict)
    samrads: list[tuple[date, int]] = field(default_factory=list)
    enrolments: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    followed: set[date] = field(default_factory=set)


class Ids:
    """Explicit primary keys, so rows of one batch can point at each other."""

    def __init__(self, models):
        from django.db.models import Max

        self.next = {m: (m.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 for m in models}

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


class Loader:
    def __init__(self, *, unit=None, filename: str):
        from casework import models as cw
        from programmes.models import Programme, Workplace
        from referrals.importing.applier import system_user

        self.cw, self.Workplace = cw, Workplace
        self.filename = filename
        self.unit = unit
        self.user = system_user()
        self.label = cw.actor_label(self.user)
        self.rules = {
            p.pk: {r.insats_type: r for r in p.rules.all()}
            for p in Programme.objects.prefetch_related("rules")
        }
        self.case_limits = {p.pk: p.case_limit_months for p in Programme.objects.all()}
        self.order = [
            cw.Participant,
            cw.ParticipantFact,
            cw.Case,
            Workplace,
            cw.Transition,
            cw.Samrad,
            cw.Extension,
            cw.Enrolment,
            cw.EnrolmentEnd,
            cw.FollowUp,
        ]
        self.ids = Ids(self.order)
        self.pending: dict = {m: [] for m in self.order}
        if cw.Participant.objects.exists():
            raise SystemExit("bulk_load fills an empty database: participants already exist")
        self.people: dict[str, dict] = {}
        self.workplaces = {
            (w.organisation_id, w.name, w.kommunal): {"id": w.pk} for w in Workplace.objects.all()
        }
        self.units: dict[int, Any] = {}  # a Unit, or None where unit_for finds none
        self.open: dict[tuple[str, int], OpenCase] = {}
        self.last: dict[tuple[str, int], OpenCase] = {}
        self.written = 0

    # --- rows -----------------------------------------------------------------------------

    def add(self, model, **fields) -> dict:
        """A row as a dict of attnames; model instances would cost more than the writing."""
        fields["id"] = self.ids.take(model)
        self.pending[model].append(fields)
        return fields

    def journal(self, model, case: OpenCase, on: date, **fields):
        return self.add(
            model,
            case_id=case.obj["id"],
            effective_on=on,
            actor_id=self.user.pk,
            actor_label=self.label,
            **fields,
        )

    def flush(self) -> None:
        from django.db import connection, transaction

        with transaction.atomic():
            for model in self.order:
                rows = self.pending[model]
                if model is self.cw.Case:
                    for row in rows:
                        case = row.pop("_bulk")
                        row["deadline"], row["case_deadline"] = self.deadlines(case)
                write_rows(connection, model, rows)
                self.written += len(rows)
                self.pending[model] = []

    # --- events ---------------------------------------------------------------------------

    def apply(self, event) -> None:
        if event.kind == "aktualisering":
            self.refer(event)
            return
        key = (event.pnr, event.programme.pk)
        case = self.last[key] if event.kind == "uppfoljning" else self.open[key]
        obj = case.obj
        obj["last_event_on"] = max(obj["last_event_on"], event.on)
        kind = event.kind
        if kind == "samrad":
            row = self.journal(self.cw.Samrad, case, event.on, note=event.detail)
            case.samrads.append((event.on, row["id"]))
        elif kind in self.insats_events:
            self.start(case, event)
        elif kind == "forlangning":
            self.extend(case, event)
        elif kind == "kompetens_start":
            row = self.journal(self.cw.Enrolment, case, event.on, course=event.detail)
            case.enrolments.setdefault(event.detail, []).append((event.on, row["id"]))
        elif kind == "kompetens_slut":
            started = case.enrolments[event.detail].pop()
            self.journal(self.cw.EnrolmentEnd, case, event.on, enrolment_id=started[1])
        elif kind == "avslut":
            self.transition(case, event.on, "avslutad", exit_reason=event.detail)
            obj["exit_reason"] = event.detail
            self.open.pop(key)
        elif kind == "uppfoljning":
            ended = [s.end for s in case.spells if s.state == "anstallning" and s.end]
            self.journal(
                self.cw.FollowUp,
                case,
                event.on,
                spell_ended_on=ended[-1],
                receives_eb=event.detail == "EB_JA",
            )

    @property
    def insats_events(self):
        from referrals.importing.rows import INSATS_EVENTS

        return INSATS_EVENTS

    def refer(self, event) -> None:
        from casework import personnummer
        from referrals.importing.applier import _risk_note, unit_for
        from referrals.services import sole_member

        cw = self.cw
        person = self.people.get(event.pnr)
        if person is None:
            identity = personnummer.parse(event.pnr)
            person = self.add(
                cw.Participant,
                personnummer=event.pnr,
                birth_date=identity.birth_date,
                gender=event.gender,
                first_name=event.first_name,
                last_name=event.last_name,
            )
            self.people[event.pnr] = person
            for name, value in (("gender", event.gender), ("skyddad_identitet", "0")):
                self.add(
                    cw.ParticipantFact,
                    participant_id=person["id"],
                    field=name,
                    value=value,
                    actor_id=self.user.pk,
                    actor_label=self.label,
                )
        else:  # the services fill in empty names, never overwrite
            person["first_name"] = person["first_name"] or event.first_name
            person["last_name"] = person["last_name"] or event.last_name
        programme = event.programme
        if programme.pk not in self.units:
            self.units[programme.pk] = unit_for(programme, self.unit)
        unit = self.units[programme.pk]
        batch = _FileName(self.filename)
        obj = self.add(
            cw.Case,
            participant_id=person["id"],
            programme_id=programme.pk,
            unit_id=unit.pk,
            state="aktualisering",
            referred_on=event.on,
            income_support=event.detail,
            source=event.source,
            # _FileName stands in for the ImportBatch: _risk_note reads only its filename.
            risk_note=_risk_note(event, batch),  # type: ignore[arg-type]
            baseline_step=event.baseline_step,
            home_municipality_id=getattr(sole_member(programme), "pk", None),
            age_at_referral=personnummer.age_on(person["birth_date"], event.on),
            state_since=event.on,
            last_event_on=event.on,
            coach_id=None,
            exit_reason="",
        )
        case = OpenCase(obj=obj, org_id=unit.organisation_id)
        obj["_bulk"] = case
        case.spells.append(Spell("aktualisering", event.on))
        self.journal(cw.Transition, case, event.on, seq=1, from_state="", to_state="aktualisering")
        key = (event.pnr, programme.pk)
        self.open[key] = self.last[key] = case

    def transition(self, case: OpenCase, on: date, to: str, **fields):
        obj = case.obj
        case.seq += 1
        row = self.journal(
            self.cw.Transition,
            case,
            on,
            seq=case.seq,
            from_state=obj["state"],
            to_state=to,
            **fields,
        )
        case.spells[-1].end = on
        case.spells.append(Spell(to, on, fields.get("is_osa", False), fields.get("planned_end")))
        obj["state"], obj["state_since"] = to, on
        return row

    def start(self, case: OpenCase, event) -> None:
        workplace = None
        if event.workplace_name:
            key = (case.org_id, event.workplace_name, event.kommunal)
            workplace = self.workplaces.get(key)
            if workplace is None:
                workplace = self.add(
                    self.Workplace,
                    organisation_id=case.org_id,
                    name=event.workplace_name,
                    kommunal=event.kommunal,
                )
                self.workplaces[key] = workplace
        self.transition(
            case,
            event.on,
            event.kind,
            workplace_id=workplace["id"] if workplace else None,
            is_osa=event.detail.upper() == "OSA",
            planned_end=event.planned_end,
        )

    def extend(self, case: OpenCase, event) -> None:
        obj = case.obj
        state = obj["state"]
        rule = self.rules[obj["programme_id"]][state]
        samrad_id = None
        if rule.extension_needs_samrad:
            samrad_id = self.unused_samrad(case, event.on)
        row = self.journal(
            self.cw.Extension,
            case,
            event.on,
            insats_type=state,
            months=rule.extension_months,
            reason=event.detail,
            samrad_id=samrad_id,
        )
        case.extensions[state] = case.extensions.get(state, 0) + 1
        case.last_ext[state] = (event.on, samrad_id)
        return row

    def unused_samrad(self, case: OpenCase, on: date) -> int | None:
        """`casework.rules.unused_samrad` over the loader's memory of the case."""
        since = case.obj["state_since"]
        found = [(d, pk) for d, pk in case.samrads if since < d <= on]
        last = case.last_ext.get(case.obj["state"])
        if last is not None:
            found = [(d, pk) for d, pk in found if d >= last[0] and pk != last[1]]
        return max(found)[1] if found else None

    def deadlines(self, case: OpenCase) -> tuple[date | None, date | None]:
        """The case's deadline and its own limit (Sikta), as `casework.services._save` sets them."""
        from casework.rules import INSATS, add_months

        spell = self.deadline(case)
        limit = self.case_limits.get(case.obj["programme_id"])
        first = next((s.start for s in case.spells if s.state in INSATS), None)
        if limit is None or first is None or case.obj["state"] not in INSATS:
            return spell, None
        own = add_months(first, limit) - timedelta(days=1)
        return (own if spell is None else min(spell, own)), own

    def deadline(self, case: OpenCase) -> date | None:
        """`casework.rules.spell_deadline` of the current spell over the final journal."""
        from casework.rules import add_months

        obj = case.obj
        state = obj["state"]
        if state in ("aktualisering", "avslutad"):
            return None
        rule = self.rules[obj["programme_id"]].get(state)
        current = case.spells[-1]
        if current.planned_end and (current.is_osa or (rule and rule.coordinator_sets_max)):
            return current.planned_end
        if rule is None or rule.base_months is None:
            return None
        if current.is_osa:  # OSA follows its planned end; outside the anställning budget
            return None
        of_type = [s for s in case.spells if s.state == state and not s.is_osa]
        used = sum((s.end - s.start).days for s in of_type if s.end is not None)
        first = of_type[0].start
        months = rule.base_months + case.extensions.get(state, 0) * rule.extension_months
        days = (add_months(first, months) - first).days
        return current.start + timedelta(days=days - used - 1)


def write_rows(connection, model, rows: list[dict]) -> None:
    """COPY on PostgreSQL, executemany elsewhere; absent columns get the field default."""
    if not rows:
        return
    fields = model._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields}
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    values = ([row.get(n, defaults[n]) for n in names] for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        adapt = [_adapter(connection, f) for f in fields]
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            [
                [a(v) if a and v is not None else v for a, v in zip(adapt, row, strict=True)]
                for row in values
            ],
        )


def _adapter(connection, field):
    from django.db import models

    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


@dataclass
class _FileName:
    """`_risk_note` reads only the batch's filename."""

    filename: str


def unlimited_reader():
    """The importer's size and row limits (issue 17) bound what an uploaded file may cost;
    a generated benchmark file of a million persons (~1 GB, 5.8 million rows) is trusted
    and far past them, so they are lifted while the loader reads it."""
    from django.test import override_settings

    return override_settings(IMPORT_MAX_UPLOAD_BYTES=2**62, IMPORT_MAX_ROWS=2**62)


def bulk_load(path: str | Path, *, unit=None, filename: str | None = None, progress=None) -> dict:
    """Load FILE into the current database; returns counts and timings."""
    from django.db import connection

    from referrals.importing.applier import in_apply_order, parse_file

    path = Path(path)
    filename = filename or path.name
    began = time.perf_counter()
    with unlimited_reader():
        events, errors, rows = parse_file(path.read_bytes(), filename)
    if errors:
        raise SystemExit(f"the file is not valid: {[str(e) for e in errors[:5]]}")
    parsed = time.perf_counter()
    loader = Loader(unit=unit, filename=filename)
    ordered = in_apply_order(events)
    del events
    # A case's rows are flushed once it cannot receive more events: at person boundaries.
    current, since_flush = None, 0
    for done, event in enumerate(ordered, start=1):
        if event.pnr != current:
            if since_flush >= 50_000:
                loader.flush()
                _forget_persons(loader)
                since_flush = 0
            current = event.pnr
        loader.apply(event)
        since_flush += 1
        if progress is not None and done % 100_000 == 0:
            progress(done, len(ordered))
    loader.flush()
    _reset_sequences(connection, loader.order)
    # The spell projection the services keep per case, here for all cases at once.
    from casework.projections import refresh_all_spells

    refresh_all_spells(bulk=True)
    # Planner statistics, as autovacuum would have gathered over the hours an import takes:
    # without them PostgreSQL plans the indicator queries for empty tables.
    # VACUUM also sets the visibility map, as autovacuum would, so the report's
    # index-only scans need not visit the heap (not possible inside a transaction).
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return {
        "rows": rows,
        "written": loader.written,
        "parse_seconds": round(parsed - began, 2),
        "seconds": round(time.perf_counter() - began, 2),
    }


def _forget_persons(loader: Loader) -> None:
    """Persons already applied get no more events (apply order is person by person)."""
    loader.open.clear()
    loader.last.clear()
    loader.people.clear()


def _reset_sequences(connection, models) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def main() -> None:
    import argparse

    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--unit", default="sikta-sodra")
    parser.add_argument("--migrate", action="store_true", help="run migrate first")
    parser.add_argument("--reset", action="store_true", help="WIPE the database, then migrate")
    args = parser.parse_args()
    if args.reset:
        from import_bench import reset_database

        reset_database()
    django.setup()
    from django.core.management import call_command

    from programmes.models import Unit

    if args.migrate or args.reset:
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter() - began
    result = bulk_load(args.file, unit=Unit.objects.get(code=args.unit))
    if args.migrate or args.reset:
        result["migrate_seconds"] = round(migrated, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
