"""`python manage.py indicators`: one IN/AKTIVITET/UT report (indicators.md)."""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.indicators import board, docx_report, exports, periods
from config.replica import command_reads_from_replica
from programmes.models import MemberMunicipality, Programme, Unit


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("Ogiltigt datum: %(value)s (ÅÅÅÅ-MM-DD).") % {"value": value}
        ) from error


def _timestamp(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("Ogiltig tidpunkt: %(value)s (ISO 8601).") % {"value": value}
        ) from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def period_from(options) -> periods.Period:
    year, number = options["year"], options["tertial"]
    start, end = options["start"], options["end"]
    if (start or end) and (year or number):
        raise CommandError(_("Ange antingen --year/--tertial eller --start/--end."))
    if start or end:
        if not (start and end):
            raise CommandError(_("--start och --end anges tillsammans."))
        try:
            return periods.Period(_date(start), _date(end))
        except ValueError as error:
            raise CommandError(str(error)) from error
    if year is None:
        raise CommandError(_("Ange --year (och --tertial) eller --start och --end."))
    if number is None:
        return periods.helar(year)
    if number not in (1, 2, 3):
        raise CommandError(_("--tertial måste vara 1, 2 eller 3."))
    return periods.tertial(year, number)


def unit_arguments(code: str | None) -> dict:
    """`report.build`'s unit arguments for `--unit CODE` (none without it)."""
    if not code:
        return {}
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(_("Okänd enhet: %(code)s.") % {"code": code})
    return {"unit_ids": [unit.pk], "unit_code": unit.code}


def municipality_arguments(name: str | None) -> dict:
    """`--municipality NAME`: the cases whose referral recorded that home municipality, in
    any programme's list of member municipalities."""
    if not name:
        return {}
    ids = list(MemberMunicipality.objects.filter(name__iexact=name).values_list("pk", flat=True))
    if not ids:
        raise CommandError(_("Okänd hemkommun: %(name)s.") % {"name": name})
    return {"municipality_ids": ids, "municipality": name}


class Command(BaseCommand):
    help = _("Indikatorer IN/AKTIVITET/UT för en period, per kön (indicators.md).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--tertial", type=int)
        parser.add_argument("--start")
        parser.add_argument("--end")
        parser.add_argument("--programme", help=_("programkod; utan den: alla program"))
        parser.add_argument("--unit", help=_("enhetskod; bara ärenden i den enheten"))
        parser.add_argument(
            "--municipality", help=_("hemkommun (namn); bara ärenden med den hemkommunen")
        )
        parser.add_argument("--format", choices=["json", "csv", "xlsx", "docx"], default="json")
        parser.add_argument("--output", help=_("fil att skriva till (krävs för xlsx och docx)"))
        parser.add_argument(
            "--as-of", dest="as_of", help=_("tidpunkt: historik registrerad t.o.m.")
        )
        parser.add_argument(
            "--primary",
            action="store_true",
            help=_("läs primärdatabasen även när en replika finns (DATABASE_REPLICA_URL)"),
        )

    @command_reads_from_replica
    def handle(self, *args, **options):
        period = period_from(options)
        programme_ids, code = None, options["programme"]
        if code:
            programme = Programme.objects.filter(code=code).first()
            if programme is None:
                raise CommandError(_("Okänt program: %(code)s.") % {"code": code})
            programme_ids = [programme.pk]
        as_of = _timestamp(options["as_of"]) if options["as_of"] else None
        options_ = {
            "programme_ids": programme_ids,
            "programme_code": code,
            "as_of": as_of,
            **unit_arguments(options["unit"]),
            **municipality_arguments(options["municipality"]),
        }
        fmt, output = options["format"], options["output"]
        if fmt in ("xlsx", "docx") and not output:
            raise CommandError(_("--format %(fmt)s kräver --output FIL.") % {"fmt": fmt})
        data = board.build_board(period, **options_)
        if fmt == "json":
            payload = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        elif fmt == "csv":
            payload = exports.to_csv(data)
        elif fmt == "xlsx":
            payload = exports.to_xlsx(data)
        else:
            chart = board.chart(period, **options_)
            payload = docx_report.to_docx(data, chart)
        if output:
            with open(output, "wb") as handle:
                handle.write(payload)
        else:
            self.stdout.write(payload.decode("utf-8"), ending="")
