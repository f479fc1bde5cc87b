"""The main menu: each entry shows for the roles that use it, once its page exists."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casework.selectors import roles_of

ENTRIES = [
    ("casework:caseload", _("Mina ärenden"), {"coach"}),
    ("referrals:queue", _("Aktualiseringar"), {"coordinator"}),
    ("referrals:overview", _("Kapacitet och ledtider"), {"coordinator"}),
    ("casework:unassigned", _("Utan coach"), {"coordinator"}),
    ("casework:inactive", _("Inaktiva ärenden"), {"coordinator"}),
    ("indicators:report", _("Indikatorer"), {"manager", "coordinator"}),
    ("audit:access_log", _("Åtkomstlogg"), {"auditor"}),
    ("imports:upload", _("Importera historik"), {"coordinator", "admin"}),
    ("providers:participants", _("Placerade deltagare"), {"leverantor"}),
    ("providers:follow_up", _("Närvaro hos leverantörer"), {"coordinator"}),
    ("surveys:results", _("Deltagarenkäter"), {"coordinator", "manager"}),
]


def nav_items(request):
    roles = roles_of(request.user)
    items = []
    for name, label, for_roles in ENTRIES:
        if not roles & for_roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    if getattr(request.user, "is_staff", False):
        items.append({"url": reverse("admin:index"), "label": _("Administration"), "active": False})
    may_search = bool(roles & {"coach", "coordinator"})
    return {"nav_items": items, "search_url": reverse("casework:search") if may_search else ""}
