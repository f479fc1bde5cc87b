"""`generate_history --persons N --seed S --out FILE` writes a valid, realistic history."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from referrals.importing.generator import generate
from referrals.importing.writer import to_csv, to_xlsx


class Command(BaseCommand):
    help = (
        "Skriver en påhittad men realistisk ärendehistorik i importformatet (.csv eller .xlsx). "
        "Samma --seed ger samma fil. SIKTA-ärenden importeras med --unit sikta-… "
        "Programmens platsgränser följs inte: en stor fil kan ha fler samtidiga "
        "anställningar än JOBBTORG:s 100 platser och avvisas då av importen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True)
        parser.add_argument(
            "--until", type=date.fromisoformat, help="Sista datum i historiken (standard: i dag)."
        )
        parser.add_argument("--rows", type=int, help="Högst så många rader (de tidigaste).")

    def handle(self, *args, persons, seed, out, until=None, rows=None, **options):
        path = Path(out)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Filen måste sluta på .csv eller .xlsx.")
        history = generate(
            persons=persons, seed=seed, until=until or timezone.localdate(), max_rows=rows
        )
        data = to_xlsx(history) if path.suffix.lower() == ".xlsx" else to_csv(history)
        path.write_bytes(data)
        self.stdout.write(f"Skrev {len(history)} rader för {persons} personer till {path}.")
