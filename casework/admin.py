"""Admin: journal rows are read-only; nothing recorded can be changed or deleted (C1)."""

from django.contrib import admin

from .models import Extension, Note, Samrad, Transition


class ReadOnlyJournalAdmin(admin.ModelAdmin):
    list_display = ["case", "effective_on", "recorded_at", "actor_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Transition, Samrad, Extension, Note):
    admin.site.register(model, ReadOnlyJournalAdmin)
