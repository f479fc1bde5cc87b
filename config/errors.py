"""Swedish error pages in the app's layout (issue 12, item 2).

The 404 says nothing about whether the thing exists: out of scope and missing answer
alike (S2). The 500 page renders without the request's context processors, so it
cannot fail again on what failed (a database down, say).
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _

PAGES = {
    400: (
        _("Felaktig begäran"),
        _("Sidan kunde inte förstå begäran. Gå tillbaka och försök igen."),
    ),
    403: (
        _("Åtkomst nekad"),
        _("Du har inte behörighet till den här sidan eller åtgärden."),
    ),
    404: (
        _("Sidan finns inte"),
        _("Sidan finns inte, eller så har du inte behörighet att se den. Kontrollera adressen."),
    ),
    500: (
        _("Något gick fel"),
        _("Ett oväntat fel uppstod och ingenting sparades. Försök igen om en stund."),
    ),
}


def _page(request, status: int):
    title, explanation = PAGES[status]
    context = {"title": title, "explanation": explanation}
    return render(request, f"{status}.html", context, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    title, explanation = PAGES[500]
    html = loader.get_template("500.html").render({"title": title, "explanation": explanation})
    return HttpResponseServerError(html)
