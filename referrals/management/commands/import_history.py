"""`import_history FILE [--dry-run] [--unit CODE] [--user USERNAME]` (import-format.md)."""

import logging
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from programmes.models import Unit
from referrals.importing.applier import run_import

logger = logging.getLogger("referrals.importing")


class Command(BaseCommand):
    help = (
        "Importerar ärendehistorik från CSV eller XLSX. Inget skrivs om någon rad är fel. "
        "--unit anger enheten för aktualiseringar i de program enheten arbetar med; övriga "
        "program får sin ägares enda enhet."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Kontrollera utan att spara.")
        parser.add_argument("--unit", help="Enhetens kod, t.ex. nykoping-jobbtorg.")
        parser.add_argument(
            "--user", help="Användaren som registrerar händelserna (standard: systemanvändaren)."
        )

    def handle(self, *args, file, dry_run=False, unit=None, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {file} finns inte.")
        chosen_unit = self._unit(unit)
        by = self._user(user)
        bar = tqdm(total=0, unit="rad", disable=None, file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        result = run_import(
            path.read_bytes(),
            filename=path.name,
            user=by,
            unit=chosen_unit,
            dry_run=dry_run,
            progress=progress,
            operator=True,
        )
        bar.close()
        # The command line is the operator's: no scope applies, and the log says so.
        logger.warning(
            "operator import without scope: file=%s user=%s batch=%s rows=%s ok=%s dry_run=%s",
            path.name,
            by.username if by else "import",
            result.batch_id,
            result.rows,
            result.ok,
            dry_run,
        )
        self.stderr.write(
            "Importen körs som operatör från kommandoraden, utan behörighetsavgränsning."
        )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Importen avbröts: {len(result.errors)} fel. Inget har sparats i databasen."
            )
        if dry_run:
            self.stdout.write(f"Kontroll klar: {result.rows} rader utan fel. Inget sparades.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Importerade {result.rows} rader (import {result.batch_id}).")
            )

    def _unit(self, code):
        if code is None:
            return None
        try:
            return Unit.objects.get(code=code)
        except Unit.DoesNotExist:
            raise CommandError(f"Okänd enhet: {code}.") from None

    def _user(self, username):
        if username is None:
            return None  # the system user, created only by an import that holds
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Okänd användare: {username}.") from None
