"""The second factor (L6): a TOTP code after the password, required in production for
every role that sees personal data (`OTPRequiredMiddleware`). Devices are enrolled by
an administrator in the admin (django-otp's TOTP device, shown as a QR code)."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engångskod från din autentiseringsapp"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    has_device = any(devices_for_user(request.user, confirmed=True))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and has_device:
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(target)
        form.add_error("token", _("Koden stämmer inte. Försök igen."))
    return render(request, "audit/otp_verify.html", {"form": form, "has_device": has_device})
