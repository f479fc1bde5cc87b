"""Everything stored about one person: the history view (D2) and register extract (G1, G2).

Both read the same material; the extract also lists identity, cases and import batches,
and marks free-text fields for secrecy review before release (G2, OSL over GDPR).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from casework.models import (
    Assessment,
    Case,
    CoachAssignment,
    EmploymentCheck,
    Enrolment,
    EnrolmentEnd,
    Extension,
    FollowUp,
    ImportBatch,
    Note,
    Participant,
    Samrad,
    TargetGroupFacts,
    Transition,
)
from programmes.models import Unit

from .labels import action_label
from .models import AccessLog

JOURNAL_MODELS = (
    Transition,
    Samrad,
    Extension,
    Enrolment,
    EnrolmentEnd,
    FollowUp,
    EmploymentCheck,
    Note,
    Assessment,
    TargetGroupFacts,
    CoachAssignment,
)
# Free text that may hold third-party or sensitive information: review before release (G2).
REVIEW_FIELDS = {
    "text",
    "note",
    "reason",
    "risk_note",
    "referral_reason",
    "referring_officer",
    "referring_contact",
}
SKIP_FIELDS = {"id", "case", "supersedes", "batch", "actor"}


@dataclass
class Item:
    label: str
    value: str
    review: bool = False


@dataclass
class Event:
    effective_on: date
    recorded_at: datetime
    kind: str
    who: str
    items: list[Item] = field(default_factory=list)
    struck: bool = False
    ref: str = ""


LABELS = {"created_at": _lazy("skapad")}


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _label(f) -> str:
    return str(LABELS.get(f.name, f.verbose_name))


def _display(f, value) -> str:
    """A stored value as a reader reads it: Swedish labels for codes, names for ids, local
    times (Europe/Stockholm), ISO dates."""
    if value is None or value == "":
        return ""
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.is_relation:
        related = value if isinstance(value, models.Model) else None
        if related is None:
            related = f.related_model._base_manager.filter(pk=value).first()
        if isinstance(related, AbstractBaseUser):
            return person_name(related)
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _value(obj, f) -> str:
    if f.is_relation:
        return _display(f, getattr(obj, f.name)) if getattr(obj, f.attname) else ""
    return _display(f, getattr(obj, f.attname))


def _items(obj) -> list[Item]:
    rows = []
    for f in obj._meta.concrete_fields:
        if f.name in SKIP_FIELDS or f.name in ("effective_on", "recorded_at", "actor_label"):
            continue
        value = _value(obj, f)
        if value:
            rows.append(Item(_label(f), value, f.name in REVIEW_FIELDS))
    return rows


def journal_events(cases) -> list[Event]:
    events = []
    for model in JOURNAL_MODELS:
        for row in model._base_manager.filter(case__in=cases).prefetch_related("corrections"):
            items = _items(row)
            if row.supersedes_id:
                items.insert(
                    0, Item(_("rättar"), f"{model._meta.verbose_name} #{row.supersedes_id}")
                )
            events.append(
                Event(
                    effective_on=row.effective_on,
                    recorded_at=row.recorded_at,
                    kind=str(model._meta.verbose_name),
                    who=row.actor_label,
                    items=items,
                    struck=row.corrections.exists(),
                    ref=f"{model._meta.model_name} #{row.pk}",
                )
            )
    return events


def _history_events(records, kind: str) -> list[Event]:
    events = []
    for record in records:
        prev = record.prev_record
        if prev is None:
            items = [Item(_("skapad"), "")]
        else:
            delta = record.diff_against(prev)
            meta = record.instance._meta
            items = [
                Item(
                    _label(meta.get_field(c.field)),
                    f"{_display(meta.get_field(c.field), c.old) or '–'} → "
                    f"{_display(meta.get_field(c.field), c.new) or '–'}",
                    c.field in REVIEW_FIELDS,
                )
                for c in delta.changes
            ]
        who = person_name(record.history_user)
        events.append(
            Event(
                effective_on=record.history_date.date(),
                recorded_at=record.history_date,
                kind=kind,
                who=who,
                items=items,
                ref=f"{kind} {record.history_id}",
            )
        )
    return events


def person_cases(person: Participant, cases=None):
    """The person's cases the reader may see: `cases` (a scoped queryset, e.g.
    `auditable_cases(user)`) or, for the operator's full extract, all of them."""
    scope = Case.objects.all() if cases is None else cases
    return scope.filter(participant=person)


def history_events(person: Participant, cases=None) -> list[Event]:
    cases = person_cases(person, cases)
    events = _history_events(person.history.all(), _("ändring av deltagare"))
    events += _history_events(
        Case.history.filter(id__in=cases.values("pk")), _("ändring av ärende")
    )
    return events


def unit_names(codes: str) -> str:
    wanted = [c for c in codes.split(",") if c]
    names = dict(Unit.objects.filter(code__in=wanted).values_list("code", "name"))
    return ", ".join(names.get(c, c) for c in wanted)


def access_rows(person: Participant, unit_codes=None) -> list[AccessLog]:
    """Log rows that name the person; with `unit_codes`, only reads made from those units.
    JSON lists are matched in Python (SQLite and PostgreSQL)."""
    marker = str(person.pk)
    candidates = AccessLog.objects.filter(participant_ids__icontains=marker).select_related("user")
    return [
        row
        for row in candidates
        if person.pk in row.participant_ids
        and (unit_codes is None or set(unit_codes) & set(row.unit_codes.split(",")))
    ]


def access_events(
    person: Participant, exclude_pk: int | None = None, unit_codes=None
) -> list[Event]:
    return [
        Event(
            effective_on=row.at.date(),
            recorded_at=row.at,
            kind=_("läsning"),
            who=person_name(row.user) or row.operator,
            items=[
                Item(_("åtgärd"), action_label(row.action)),
                Item(_("enheter"), unit_names(row.unit_codes)),
            ],
            ref=f"accesslog #{row.pk}",
        )
        for row in access_rows(person, unit_codes)
        if row.pk != exclude_pk
    ]


def _unit_codes(cases):
    if cases is None:
        return None
    return set(cases.values_list("unit__code", flat=True))


def timeline(person: Participant, cases=None) -> list[Event]:
    """Chronological by effective date, ties by recorded time (D2). `cases` scopes it
    (issue 17 item 5): only those cases, and only reads made from their units."""
    mine = person_cases(person, cases)
    from . import outside_journal  # it builds on this module's Event and Item

    events = journal_events(mine) + history_events(person, cases) + outside_journal.events(mine)
    events += access_events(person, unit_codes=_unit_codes(cases))
    return sorted(events, key=lambda e: (e.effective_on, e.recorded_at))


@dataclass
class Extract:
    person: Participant
    identity: list[Item]
    cases: list[tuple[Case, list[Item]]]
    events: list[Event]
    batches: list[ImportBatch]


def register_extract(person: Participant, cases=None) -> Extract:
    scope = cases
    cases = list(person_cases(person, scope).select_related("programme", "unit"))
    identity = [
        Item(_("personnummer"), person.personnummer),
        Item(_("förnamn"), person.first_name),
        Item(_("efternamn"), person.last_name),
        Item(_("födelsedatum"), person.birth_date.isoformat()),
        Item(_("kön"), person.get_gender_display()),
        Item(_("skyddad identitet"), _("ja") if person.skyddad_identitet else _("nej")),
    ]
    batch_ids = set()
    for model in JOURNAL_MODELS:
        batch_ids |= set(
            model._base_manager.filter(case__in=cases, batch__isnull=False).values_list(
                "batch_id", flat=True
            )
        )
    return Extract(
        person=person,
        identity=identity,
        cases=[(case, _items(case)) for case in cases],
        events=timeline(person, scope),
        batches=list(ImportBatch.objects.filter(pk__in=batch_ids)),
    )


def as_text(extract: Extract) -> str:
    """The extract as plain text for the management command; [GRANSKA] marks G2 fields."""
    lines = [_("REGISTERUTDRAG"), ""]
    lines += [_("Identitet")] + [f"  {i.label}: {i.value}" for i in extract.identity]
    for case, items in extract.cases:
        lines += ["", _("Ärende #%(pk)s") % {"pk": case.pk}]
        lines += [f"  {i.label}: {i.value}{'  [GRANSKA]' if i.review else ''}" for i in items]
    lines += ["", _("Händelser (datum, registrerad, typ, av)")]
    for e in extract.events:
        struck = _(" [RÄTTAD]") if e.struck else ""
        lines.append(
            f"  {e.effective_on} {timezone.localtime(e.recorded_at):%Y-%m-%d %H:%M} "
            f"{e.kind}{struck} ({e.who})"
        )
        lines += [f"    {i.label}: {i.value}{'  [GRANSKA]' if i.review else ''}" for i in e.items]
    lines += ["", _("Importerade filer")]
    lines += [
        f"  {b.filename} ({b.imported_at:%Y-%m-%d}, {b.sha256[:12]})" for b in extract.batches
    ]
    lines += ["", _("[GRANSKA] = fritext som ska sekretessprövas före utlämnande (OSL).")]
    return "\n".join(lines)
