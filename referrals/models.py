"""Intake models. Each block below belongs to one capability; keep them apart."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Case
from programmes.models import InsatsType, Programme, Workplace

# --- Waiting list (coordinator workspace, issue 4) ------------------------------------------


class WaitingListQuerySet(models.QuerySet["WaitingListEntry"]):
    def waiting(self) -> "WaitingListQuerySet":
        return self.filter(resolved_at__isnull=True)

    def in_referral_order(self) -> "WaitingListQuerySet":
        """First referred, first in line (000 §4.4; 002 §5 "i mån av plats")."""
        return self.order_by("case__referred_on", "case_id")


class WaitingListEntry(models.Model):
    """A decided start that waits for a free place instead of over-filling (domain.md)."""

    class Resolution(models.TextChoices):
        STARTED = "started", _("Startad")
        WITHDRAWN = "withdrawn", _("Borttagen")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="waiting_entries", verbose_name=_("ärende")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    insats_type = models.CharField(_("insats"), max_length=20, choices=InsatsType.choices)
    decided_on = models.DateField(_("beslutad"))
    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_osa = models.BooleanField(_("OSA"), default=False)
    planned_end = models.DateField(_("planerat slut"), null=True, blank=True)
    scope = models.PositiveSmallIntegerField(_("omfattning (% av heltid)"), default=100)
    # The programme's minimum for the participant (002 §5), and the motivation that grants
    # the unused extension on a return: decided with the start, applied when it starts.
    min_end = models.DateField(_("minsta tid till"), null=True, blank=True)
    extension_reason = models.TextField(_("motivering för förlängning vid återkomst"), blank=True)
    reason = models.TextField(_("motivering"), blank=True)
    queued_at = models.DateTimeField(_("köad"), default=timezone.now)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("hanterad"), null=True, blank=True)
    resolution = models.CharField(
        _("utfall"), max_length=10, choices=Resolution.choices, blank=True
    )

    objects = WaitingListQuerySet.as_manager()

    class Meta:
        verbose_name = _("väntelisteplats")
        verbose_name_plural = _("väntelista")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(resolved_at__isnull=True),
                name="one_waiting_entry_per_case",
            )
        ]
        indexes = [models.Index(fields=["programme", "insats_type", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.case} → {self.get_insats_type_display()}"


# --- end of waiting list --------------------------------------------------------------------


# --- History import (issue 7; import-format.md; IM1) ------------------------------------


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
