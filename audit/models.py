"""The access log: one row per read of personal data (L1–L3). Append-only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("access-log rows are append-only")

    def delete(self):
        raise PermissionError("access-log rows are append-only")


class AccessLog(models.Model):
    """Who read which participants, when, from which unit and how (L1). Ids only (L3)."""

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("användare"),
    )
    unit_codes = models.CharField(_("användarens enheter"), max_length=400, blank=True)
    action = models.CharField(_("åtgärd"), max_length=100)
    route = models.CharField(_("adress"), max_length=300, blank=True)
    participant_ids = models.JSONField(_("deltagare"), default=list)
    filter_description = models.TextField(_("urval"), blank=True)
    person_count = models.PositiveIntegerField(_("antal personer"), default=0)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtkomstloggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("access-log rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("access-log rows are append-only")
