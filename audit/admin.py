"""Admin: the access log, security events, chain and purge records are read-only (C1, L2)."""

from django.contrib import admin

from .models import AccessLog, ChainEntry, PurgeRecord, SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators (superusers) only: an organisation's admin reads the log on the audit pages,
    scoped to their units, never here where the rows of every organisation are."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "operator", "unit_codes", "action", "person_count"]
    list_filter = ["action"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "user", "route", "object_ref"]
    list_filter = ["kind"]


@admin.register(ChainEntry)
class ChainEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "kind", "object_id", "hash"]


@admin.register(PurgeRecord)
class PurgeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "run_by", "person_count", "criteria"]
