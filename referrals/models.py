"""Models of the referrals app."""

# --- History import (issue 7; import-format.md; IM1) ------------------------------------

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One upload of a history file: its progress and error report for the status page (IM1)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Fel i filen")

    filename = models.CharField(_("filnamn"), max_length=255)
    unit = models.ForeignKey(
        "programmes.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dry_run = models.BooleanField(_("bara kontroll"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rader"), default=0)
    processed = models.PositiveIntegerField(_("behandlade rader"), default=0)
    errors = models.JSONField(_("fel"), default=list, blank=True)
    batch = models.ForeignKey(
        "casework.ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        verbose_name = _("importjobb")
        verbose_name_plural = _("importjobb")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


# --- end of history import -------------------------------------------------------------------
