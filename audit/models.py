"""The access log: one row per read of personal data (L1–L3). Append-only."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit rows are append-only")

    def delete(self):
        raise PermissionError("audit rows are append-only")


class AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted by the application (L2)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.label} rows are append-only")


class AccessLog(AppendOnly):
    """Who read which participants, when, from which unit and how (L1). Ids only (L3)."""

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    operator = models.CharField(
        _("kommandoanvändare"),
        max_length=150,
        blank=True,
        help_text=_("Vem som körde ett kommando, när läsningen inte kom från en inloggad."),
    )
    client = models.ForeignKey(
        "api.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("systemklient"),
    )
    unit_codes = models.CharField(_("användarens enheter"), max_length=400, blank=True)
    action = models.CharField(_("åtgärd"), max_length=100)
    route = models.CharField(_("adress"), max_length=300, blank=True)
    participant_ids = models.JSONField(_("deltagare"), default=list)
    filter_description = models.TextField(_("urval"), blank=True)
    person_count = models.PositiveIntegerField(_("antal personer"), default=0)

    class Meta:
        verbose_name = _("åtkomstloggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at", "-pk"]
        permissions = [  # the dataskyddsombud's (audit.full_extract, issue 17 item 5)
            ("full_register_extract", _("Kan ta registerutdrag över alla organisationer")),
        ]

    outside: bool  # not a field: the log review sets it per row for its template (L4)
    action_label: str  # likewise, set by the review's _decorate
    unit_names: list[str]
    people: list[tuple[int, Any]]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class SecurityEvent(AppendOnly):
    """A refused or suspicious access decision (A5), kept apart from the access log."""

    class Kind(models.TextChoices):
        SCOPE_REFUSED = "scope_refused", _("Åtkomst utanför behörighet nekad")
        LOCKOUT = "lockout", _("Inloggning spärrad")
        LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")
        PROTECTED_FLAG = "skyddad_identitet", _("Skyddad identitet satt eller borttagen")
        MEMBERSHIP = "membership", _("Enhetsmedlemskap eller roll ändrad")
        PROTECTED_LOOKUP = "skyddad_uppslag", _("Personnummer med skyddad identitet slogs upp")
        FULL_EXTRACT = "registerutdrag_alla", _("Registerutdrag över alla organisationer")

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    route = models.CharField(_("adress"), max_length=300, blank=True)
    object_ref = models.CharField(_("begärt objekt"), max_length=100, blank=True)
    detail = models.CharField(_("detaljer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("säkerhetshändelse")
        verbose_name_plural = _("säkerhetshändelser")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class ChainBlock(models.Model):
    """A sealed block of the audit log (issue 15; docs/adr/0109).

    Covers the entries with `first_seq` … `last_seq` (`count` of them), in that order;
    `merkle_root` is the RFC 6962 tree head over their entry hashes, and
    `hash` = HMAC(prev_hash, seq, merkle_root, first_seq, last_seq, count, sealed_at).
    """

    seq = models.PositiveBigIntegerField(unique=True)
    first_seq = models.PositiveBigIntegerField()
    last_seq = models.PositiveBigIntegerField()
    count = models.PositiveIntegerField()
    merkle_root = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("kedjeblock")
        verbose_name_plural = _("kedjeblock")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}: {self.first_seq}–{self.last_seq}"


class ChainEntry(models.Model):
    """One journal or access-log row in the tamper-evidence log (Q3; docs/adr/0109).

    Inserted with its row, in the writer's transaction, without any lock: `digest`
    covers the row's stable fields, `content_digest` its purgeable free text (kept apart
    so gallring can blank the text and the log still verifies, R4), and
    `hash` = HMAC(kind, object_id, digest, content_digest). The sealer later gives it
    its place in the log (`seq`) and its `block`; until then both are empty (unsealed).
    """

    seq = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
    block = models.ForeignKey(
        ChainBlock, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64)
    content_digest = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("kedjepost")
        verbose_name_plural = _("kedjeposter")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_link_per_row")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(block__isnull=True), name="chainentry_unsealed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seq or '–'}: {self.kind} #{self.object_id}"


class PurgeRecord(models.Model):
    """One executed gallring run: when, who, criteria and how many; no identity (R4)."""

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    run_by = models.CharField(_("utförd av"), max_length=150)
    criteria = models.CharField(_("urval"), max_length=300)
    person_count = models.PositiveIntegerField(_("antal personer"))
    participant_ids = models.JSONField(_("deltagar-id"), default=list)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.person_count}"
