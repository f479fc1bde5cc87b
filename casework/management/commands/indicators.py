"""`python manage.py indicators`: one IN/AKTIVITET/UT report (indicators.md)."""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.indicators import exports, periods, report
from programmes.models import Programme


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ogiltigt datum: {value} (ÅÅÅÅ-MM-DD).") from error


def _timestamp(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ogiltig tidpunkt: {value} (ISO 8601).") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def period_from(options) -> periods.Period:
    year, number = options["year"], options["tertial"]
    start, end = options["start"], options["end"]
    if (start or end) and (year or number):
        raise CommandError("Ange antingen --year/--tertial eller --start/--end.")
    if start or end:
        if not (start and end):
            raise CommandError("--start och --end anges tillsammans.")
        try:
            return periods.Period(_date(start), _date(end))
        except ValueError as error:
            raise CommandError(str(error)) from error
    if year is None:
        raise CommandError("Ange --year (och --tertial) eller --start och --end.")
    if number is None:
        return periods.helar(year)
    if number not in (1, 2, 3):
        raise CommandError("--tertial måste vara 1, 2 eller 3.")
    return periods.tertial(year, number)


class Command(BaseCommand):
    help = "Indikatorer IN/AKTIVITET/UT för en period, per kön (indicators.md)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--tertial", type=int)
        parser.add_argument("--start")
        parser.add_argument("--end")
        parser.add_argument("--programme", help="programkod; utan den: alla program")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", help="fil att skriva till (krävs för xlsx)")
        parser.add_argument("--as-of", dest="as_of", help="tidpunkt: historik registrerad t.o.m.")

    def handle(self, *args, **options):
        period = period_from(options)
        programme_ids, code = None, options["programme"]
        if code:
            programme = Programme.objects.filter(code=code).first()
            if programme is None:
                raise CommandError(f"Okänt program: {code}.")
            programme_ids = [programme.pk]
        as_of = _timestamp(options["as_of"]) if options["as_of"] else None
        data = report.build(period, programme_ids=programme_ids, programme_code=code, as_of=as_of)
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx" and not output:
            raise CommandError("--format xlsx kräver --output FIL.")
        if fmt == "json":
            payload = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        elif fmt == "csv":
            payload = exports.to_csv(data)
        else:
            payload = exports.to_xlsx(data)
        if output:
            with open(output, "wb") as handle:
                handle.write(payload)
        else:
            self.stdout.write(payload.decode("utf-8"), ending="")
