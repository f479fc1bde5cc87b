"""Admin: journal rows are read-only; nothing recorded can be changed or deleted (C1)."""

from django.contrib import admin

from . import admin_users
from .models import Extension, Note, Samrad, Transition
from .selectors import auditable_cases


class ReadOnlyJournalAdmin(admin.ModelAdmin):
    list_display = ["case", "effective_on", "recorded_at", "actor_label"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(case__in=auditable_cases(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Transition, Samrad, Extension, Note):
    admin.site.register(model, ReadOnlyJournalAdmin)

admin_users.register()
