"""Swedish labels for the access log's action codes (issue 12, items 4 and 5)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "audit.access_log": _("Åtkomstloggen"),
    "audit.participant_history": _("Deltagarens historik"),
    "audit.register_extract": _("Registerutdrag"),
    "audit.register_extract.command": _("Registerutdrag (kommando)"),
    "audit.register_extract.pdf": _("Registerutdrag som PDF"),
    "case.action_form": _("Formulär i ärendet"),
    "case.bulk_exit": _("Avsluta flera ärenden"),
    "case.caseload": _("Mina ärenden"),
    "case.detail": _("Deltagarsidan"),
    "case.inactive": _("Inaktiva ärenden"),
    "case.search": _("Sökning"),
    "case.unassigned": _("Ärenden utan coach"),
    "indicators.persons": _("Personer bakom en indikator"),
    "referral.check_personnummer": _("Kontroll av personnummer"),
    "referral.overview": _("Kapacitet och ledtider"),
    "referral.queue": _("Aktualiseringar"),
    "referral.waiting_list": _("Väntelista"),
    "reminders.email": _("Påminnelse via e-post"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
