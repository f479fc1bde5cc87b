"""The admin creates system clients, issues tokens (shown once) and revokes them (issue 16)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from casework.rules import CaseRuleError

from . import services
from .models import ApiClient, ApiToken, Scope


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("behörigheter"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "unit", "scopes", "expires_at", "requests_per_minute"]


class TokenInline(admin.TabularInline):
    model = ApiToken
    fields = ("prefix", "created_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "unit", "expires_at", "live_tokens"]
    inlines = [TokenInline]
    actions = ["issue_token"]

    @admin.display(description=_("giltiga tokens"))
    def live_tokens(self, obj) -> int:
        return obj.tokens.live().count()

    def save_model(self, request, obj, form, change):
        services.client_save(client=obj)

    @admin.action(description=_("Utfärda en ny token (visas en gång)"))
    def issue_token(self, request, queryset):
        issued = []
        for client in queryset:
            try:
                issued.append((client, services.token_issue(client=client)))
            except CaseRuleError as error:
                self.message_user(request, f"{client}: {error.messages[0]}", messages.ERROR)
        if not issued:
            return None
        # Rendered straight into this response, never stored in a message or a session.
        context = {**self.admin_site.each_context(request), "issued": issued}
        return TemplateResponse(request, "api/token_issued.html", context)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "client", "created_at", "revoked_at"]
    list_filter = ["client"]
    fields = ("client", "prefix", "created_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Återkalla markerade tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.token_revoke(token=token)
        self.message_user(request, _("Markerade tokens är återkallade."))
