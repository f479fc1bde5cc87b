"""Participants, cases and the immutable journal of dated facts (domain.md).

The case state is a projection: the non-superseded `Transition` rows replay to it.
Every dated fact is a `Recorded` row: it is never edited or deleted; a correction is
a new row that `supersedes` the original, which stays readable (C1, C2).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from programmes.models import (
    IncomeSupport,
    InsatsType,
    MemberMunicipality,
    Programme,
    Unit,
    Workplace,
)

from . import rules
from .roles import ROLE_LABELS
from .text import ensure_clean_row


class State(models.TextChoices):
    AKTUALISERING = "aktualisering", _("Aktualiserad")
    KARTLAGGNING = InsatsType.KARTLAGGNING.value, InsatsType.KARTLAGGNING.label
    JOBBSOK = InsatsType.JOBBSOK.value, InsatsType.JOBBSOK.label
    ARBETSTRANING = InsatsType.ARBETSTRANING.value, InsatsType.ARBETSTRANING.label
    ARBETSPRAKTIK = InsatsType.ARBETSPRAKTIK.value, InsatsType.ARBETSPRAKTIK.label
    ANSTALLNING = InsatsType.ANSTALLNING.value, InsatsType.ANSTALLNING.label
    AVSLUTAD = "avslutad", _("Avslutad")


INSATS_STATES = [s.value for s in InsatsType]
OPEN_STATES = [State.AKTUALISERING.value, *INSATS_STATES]


class Gender(models.TextChoices):
    K = "K", _("Kvinna")
    M = "M", _("Man")
    X = "X", _("Annat/icke-binär")


class Source(models.TextChoices):
    SOC = "SOC", _("Socialtjänst/ekonomiskt bistånd")
    AF = "AF", _("Arbetsförmedlingen")
    FK = "FK", _("Försäkringskassan")
    VUX = "VUX", _("Campus/vuxenutbildning")
    REGION = "REGION", _("Regionen")
    EGEN = "EGEN", _("Egen anmälan")


class ExitReason(models.TextChoices):
    ARBETE = "ARBETE", _("Arbete")
    STUDIER = "STUDIER", _("Studier")
    AF = "AF", _("Arbetsförmedlingen")
    FK = "FK", _("Försäkringskassan")
    SOCIALTJANST = "SOCIALTJANST", _("Socialtjänsten (ekonomiskt bistånd)")
    DAGLIG_VERKSAMHET = "DAGLIG_VERKSAMHET", _("Daglig verksamhet/sysselsättning")
    ANNAN_INSATS = "ANNAN_INSATS", _("Annan insats")
    AVBROTT = "AVBROTT", _("Avbrott")
    FLYTT = "FLYTT", _("Flytt")
    SJUK = "SJUK", _("Sjukdom")
    EJ_AKTUELL = "EJ_AKTUELL", _("Ej aktuell")
    OVRIGT = "OVRIGT", _("Övrigt")
    # Sikta's ways on (003); offered only where the programme's agreement names them.
    FORSTARKT_SAMARBETE = (
        "FORSTARKT_SAMARBETE",
        _("Förstärkt samarbete mellan Arbetsförmedlingen och Försäkringskassan"),
    )
    KOMMUNAL_AME = "KOMMUNAL_AME", _("Kommunal arbetsmarknadsenhet")


class EmploymentForm(models.TextChoices):
    """What kind of work an ARBETE exit goes to (K3, Kolada: a municipal
    arbetsmarknadsanställning is not work for the key figure)."""

    REGULAR = "reguljar", _("Reguljär anställning")
    SUBSIDISED = "subventionerad", _("Subventionerad anställning")
    MUNICIPAL_AMA = "kommunal_ama", _("Kommunal arbetsmarknadsanställning")


class ParticipantQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Setting or clearing skyddad identitet is an audited action (P4): it goes
        # through save(), where audit records it, one person at a time.
        if "skyddad_identitet" in kwargs:
            raise rules.ImmutableRecordError(
                _("Skyddad identitet ändras per person, aldrig för många på en gång.")
            )
        return super().update(**kwargs)


class Participant(models.Model):
    """A person; gender is its own field, never derived from the number (N5)."""

    personnummer = models.CharField(_("personnummer"), max_length=12, unique=True)
    birth_date = models.DateField(_("födelsedatum"))
    first_name = models.CharField(_("förnamn"), max_length=100, blank=True)
    last_name = models.CharField(_("efternamn"), max_length=100, blank=True)
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices)
    skyddad_identitet = models.BooleanField(_("skyddad identitet"), default=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ParticipantQuerySet.as_manager()
    # Set by the services before a save; simple-history writes them on the history row.
    _history_user: Any
    _change_reason: str

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.masked_personnummer

    @property
    def masked_personnummer(self) -> str:
        """Birth year and nothing more, for lists (G3)."""
        return f"{self.personnummer[:4]}****-****"


class ImportBatch(models.Model):
    """One imported file; its checksum refuses the same file twice (import-format.md)."""

    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(_("filnamn"), max_length=255)
    rows = models.PositiveIntegerField(_("rader"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("importerad"), default=timezone.now)

    class Meta:
        verbose_name = _("importerad fil")
        verbose_name_plural = _("importerade filer")

    def __str__(self) -> str:
        return self.filename


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> "CaseQuerySet":
        return self.exclude(state=State.AVSLUTAD)


# `instance` is a Case; django-fsm types a permission as taking any Model, hence Any.
def may_start_insats(instance: Any, user) -> bool:
    """The coordinator decides the first insats; coaches move between insatser (003)."""
    if instance.state == State.AKTUALISERING:
        return user.has_perm("casework.decide_referral")
    return user.has_perm("casework.change_insats")


def may_exit(instance: Any, user) -> bool:
    if instance.state == State.AKTUALISERING:
        return user.has_perm("casework.decide_referral")
    return user.has_perm("casework.exit_case")


def _startable(target: str):
    def condition(case: "Case") -> bool:
        return rules.may_start(case, target, on=timezone.localdate())

    condition.__name__ = f"{target}_startable"
    return condition


def _sources_for(target: str) -> list[str]:
    return [State.AKTUALISERING.value, *(s for s in INSATS_STATES if s != target)]


class Case(FSMModelMixin, models.Model):
    """One person's participation in one programme, from referral to exit (domain.md)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="cases", verbose_name=_("deltagare")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cases", verbose_name=_("program")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("enhet")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coached_cases",
        verbose_name=_("coach"),
    )
    state = FSMField(
        _("status"), choices=State.choices, default=State.AKTUALISERING, protected=True
    )
    referred_on = models.DateField(_("aktualiserad"))
    income_support = models.CharField(
        _("försörjning"), max_length=24, choices=IncomeSupport.choices
    )
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices, blank=True)
    risk_note = models.TextField(_("motivering för undantag"), blank=True)
    referring_officer = models.CharField(_("remitterande handläggare"), max_length=200, blank=True)
    referring_contact = models.CharField(_("kontaktuppgift"), max_length=200, blank=True)
    referral_reason = models.TextField(_("anledning"), blank=True)
    baseline_step = models.PositiveSmallIntegerField(_("utgångsläge (steg)"), null=True, blank=True)
    home_municipality = models.ForeignKey(
        MemberMunicipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("hemkommun"),
    )
    # A protected person (P1) referred by a unit that could not see them: that unit is shown
    # the name and gender it typed, never the stored ones (issue 17 item 4; access-control.md).
    shielded = models.BooleanField(_("registrerad utan insyn i skyddad identitet"), default=False)
    shown_name = models.CharField(
        _("namn som registrerande enhet angav"), max_length=201, blank=True
    )
    shown_gender = models.CharField(
        _("kön som registrerande enhet angav"), max_length=1, choices=Gender.choices, blank=True
    )
    # Kept when gallring removes the exact birth date, so IN3/IN4 never change (R3).
    age_at_referral = models.PositiveSmallIntegerField(_("ålder vid aktualisering"))
    exit_reason = models.CharField(
        _("avslutsorsak"), max_length=20, choices=ExitReason.choices, blank=True
    )
    # Projections of the journal, kept by the services for fast lists and sorting.
    state_since = models.DateField(_("i status sedan"))
    last_event_on = models.DateField(_("senaste händelse"))
    deadline = models.DateField(_("slutdatum för insatsen"), null=True, blank=True)
    case_deadline = models.DateField(_("slutdatum för ärendet"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The optimistic lock (docs/adr/0105): +1 on every write of the row; a form carries
    # the version it was rendered from and the service refuses a moved case.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()
    # Set by the services before a save; simple-history writes them on the history row.
    _history_user: Any
    _change_reason: str

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "programme"],
                condition=~models.Q(state="avslutad"),
                name="one_open_case_per_programme",
            )
        ]
        permissions = [
            ("decide_referral", _("Kan besluta om aktualiseringar och första insats")),
            ("change_insats", _("Kan byta insats och begära förlängning")),
            ("exit_case", _("Kan avsluta ärenden")),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.programme.code} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    @property
    def person_name(self) -> str:
        """The participant's name as this case's unit may see it (see `shielded`)."""
        if self.shielded:
            return self.shown_name or self.participant.masked_personnummer
        return str(self.participant)

    @property
    def person_gender_display(self) -> str:
        if self.shielded:
            return str(Gender(self.shown_gender).label) if self.shown_gender else ""
        return str(self.participant.get_gender_display())

    @property
    def is_open(self) -> bool:
        return self.state != State.AVSLUTAD

    @transition(
        field=state,
        source=_sources_for("kartlaggning"),
        target="kartlaggning",
        conditions=[_startable("kartlaggning")],
        permission=may_start_insats,
    )
    def start_kartlaggning(self) -> None:
        """Kartläggning och individuell planering, max 1 month in Jobbtorg (000 §4.4)."""

    @transition(
        field=state,
        source=_sources_for("jobbsok"),
        target="jobbsok",
        conditions=[_startable("jobbsok")],
        permission=may_start_insats,
    )
    def start_jobbsok(self) -> None:
        """Jobbsökaraktivitet, no limit unless the programme sets one (000 §4.4)."""

    @transition(
        field=state,
        source=_sources_for("arbetstraning"),
        target="arbetstraning",
        conditions=[_startable("arbetstraning")],
        permission=may_start_insats,
    )
    def start_arbetstraning(self) -> None:
        """Arbetsträning, 6 + 6 months per case in Jobbtorg (000 §4.4)."""

    @transition(
        field=state,
        source=_sources_for("arbetspraktik"),
        target="arbetspraktik",
        conditions=[_startable("arbetspraktik")],
        permission=may_start_insats,
    )
    def start_arbetspraktik(self) -> None:
        """Arbetspraktik, 6 + 6 months per case in Jobbtorg (000 §4.4)."""

    @transition(
        field=state,
        source=_sources_for("anstallning"),
        target="anstallning",
        conditions=[_startable("anstallning")],
        permission=may_start_insats,
    )
    def start_anstallning(self) -> None:
        """Arbetsmarknadsanställning, 12 months + 2 × 6 with Af samråd; OSA by plan (000 §4.4)."""

    @transition(field=state, source=OPEN_STATES, target=State.AVSLUTAD, permission=may_exit)
    def exit(self) -> None:
        """Every state but avslutad can exit, with a reason code (domain.md)."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise rules.ImmutableRecordError(_("Dokumentation kan inte ändras."))

    def delete(self):
        raise rules.ImmutableRecordError(_("Dokumentation kan inte tas bort."))


class Recorded(models.Model):
    """A dated fact: author, server timestamp and effective date (D1, FL 27 §)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("ärende")
    )
    effective_on = models.DateField(_("datum"))
    recorded_at = models.DateTimeField(_("registrerad"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_label = models.CharField(_("registrerad av"), max_length=200, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("rättar"),
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["effective_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.effective_on}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise rules.ImmutableRecordError(_("Dokumentation kan inte ändras; gör en rättelse."))
        self.stamp()
        super().save(*args, **kwargs)

    def stamp(self) -> None:
        """What every new row carries before it is written, one by one or in bulk; and the
        one text check of the rule layer (casework.text), so no path stores refused text."""
        ensure_clean_row(self)
        if self.actor is not None and not self.actor_label:
            self.actor_label = actor_label(self.actor)

    def delete(self, *args, **kwargs):
        raise rules.ImmutableRecordError(_("Dokumentation kan inte tas bort."))


def actor_label(user) -> str:
    """Name and roles at the time of writing (D1)."""
    name = user.get_full_name() or user.get_username()
    # The role names the request already read for the scoping rule (selectors.roles_of).
    names = getattr(user, "_role_names", None)
    if names is None:
        names = [g.name for g in user.groups.all()]
    roles = ", ".join(sorted(str(ROLE_LABELS.get(n, n)) for n in names))
    return f"{name} ({roles})" if roles else name


class Transition(Recorded):
    """One state change; the journal the indicators are computed from (D3)."""

    seq = models.PositiveIntegerField(_("ordning"))
    from_state = models.CharField(_("från"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("till"), max_length=20, choices=State.choices)
    reason = models.TextField(_("motivering"), blank=True)
    exit_reason = models.CharField(
        _("avslutsorsak"), max_length=20, choices=ExitReason.choices, blank=True
    )
    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("arbetsplats")
    )
    is_osa = models.BooleanField(_("OSA"), default=False)
    planned_end = models.DateField(_("planerat slut"), null=True, blank=True)
    scope = models.PositiveSmallIntegerField(_("omfattning (% av heltid)"), default=100)
    min_end = models.DateField(_("minsta tid till"), null=True, blank=True)
    # At an exit (K3): the form of the work at ARBETE, the right to studiemedel at STUDIER.
    employment_form = models.CharField(
        _("anställningsform"), max_length=16, choices=EmploymentForm.choices, blank=True
    )
    studiemedel = models.BooleanField(_("rätt till studiemedel"), null=True, blank=True)

    class Meta(Recorded.Meta):
        verbose_name = _("statusändring")
        verbose_name_plural = _("statusändringar")
        indexes = [models.Index(fields=["case", "effective_on", "seq"])]


_REPORTED = ["participant", "gender", "programme", "workplace"]


class Spell(models.Model):
    """A projection of the journal: one row per spell `[start_on, end_on)` of a state or of
    a kompetenshöjande enrolment.

    Written only by `casework.projections.refresh_spells`, which every writer of a
    transition or an enrolment row calls. Participant and gender are copied from the
    case's person so the indicator report needs no join per spell; neither changes after
    a referral.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    gender = models.CharField(max_length=1, choices=Gender.choices)
    state = models.CharField(max_length=20)  # a State, or projections.ENROLMENT
    workplace = models.ForeignKey(
        Workplace, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    exit_reason = models.CharField(max_length=20, blank=True)
    start_on = models.DateField()
    end_on = models.DateField(null=True)  # exclusive; NULL while open
    # Of the whole case, on each of its state spells (IN1–IN4, K2); empty on an enrolment.
    referred_on = models.DateField(null=True)
    first_insats_on = models.DateField(null=True)
    income_support = models.CharField(max_length=24, blank=True)
    age_at_referral = models.PositiveSmallIntegerField(null=True)
    is_osa = models.BooleanField(default=False)
    scope = models.PositiveSmallIntegerField(default=100)
    # The spell's last permitted day, and the first day it overstays when it does or
    # may (open); written by refresh_spells from casework.rules (OVERSTAY).
    deadline = models.DateField(null=True)
    overstay_from = models.DateField(null=True)

    class Meta:
        # Both orders: the planner reads whichever bound of "overlaps P" is the narrower
        # and checks the other inside the index. Starts in P: referrals, exits. The
        # report reads only the included columns, so PostgreSQL answers from the index
        # (index-only scans) instead of visiting a heap page per spell.
        indexes = [
            models.Index(
                fields=["state", "start_on", "end_on"],
                include=[*_REPORTED, "income_support", "age_at_referral", "exit_reason"],
                name="casework_spell_starts",
            ),
            models.Index(
                fields=["state", "end_on", "start_on"],
                include=[*_REPORTED, "case"],
                name="casework_spell_ends",
            ),
            # K2: the cases whose first insats starts in P, one row each.
            models.Index(
                fields=["first_insats_on"],
                include=["referred_on", "gender", "programme"],
                condition=models.Q(state="aktualisering"),
                name="casework_spell_first_insats",
            ),
            # OVERSTAY: the few spells and cases that overstay or may.
            models.Index(
                fields=["overstay_from", "end_on"],
                include=["participant", "gender", "programme", "case", "state", "start_on"],
                condition=models.Q(overstay_from__isnull=False),
                name="casework_spell_overstay",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.start_on}–{self.end_on or ''}"


class SummaryPeriod(models.Model):
    """A tertial whose per-person summary is built (casework.indicators.summary, ADR 0112),
    of all programmes or of one (`programme`: the report a programme's manager reads).

    `version` names the summary's SQL it was built with: a summary built by other code is
    not read, and is built again."""

    start = models.DateField()
    end = models.DateField()
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, related_name="+"
    )  # None: all programmes
    version = models.CharField(max_length=16)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["start", "end", "programme"],
                condition=models.Q(programme__isnull=False),
                name="one_summary_period_per_programme",
            ),
            models.UniqueConstraint(
                fields=["start", "end"],
                condition=models.Q(programme__isnull=True),
                name="one_summary_period_of_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end} {self.programme_id or ''}"


class SummaryCounts(models.Model):
    """What the summary keeps of a person, or adds up over a kind of persons: the gender,
    the age band on the period's last day (an index into breakdowns.AGE_BANDS; -1: none),
    the report's person codes as bits (`mask`, and per target group `g0`…`g6` the bits of
    the facts from the group's cases), and the per-row numbers of K1, UT6, K3 and K6."""

    gender = models.CharField(max_length=1)
    band = models.SmallIntegerField()
    mask = models.IntegerField()
    g0 = models.IntegerField()
    g1 = models.IntegerField()
    g2 = models.IntegerField()
    g3 = models.IntegerField()
    g4 = models.IntegerField()
    g5 = models.IntegerField()
    g6 = models.IntegerField()
    k1_exits = models.IntegerField()
    k1_work_or_study = models.IntegerField()
    ut6_due = models.IntegerField()
    ut6_missing = models.IntegerField()
    k3_exits = models.IntegerField()
    k3_good = models.IntegerField()
    k3_pending = models.IntegerField()
    k6_base = models.IntegerField()
    k6_up = models.IntegerField()

    class Meta:
        abstract = True


KIND_FIELDS = ["gender", "band", "mask", "g0", "g1", "g2", "g3", "g4", "g5", "g6"]


class SummaryPerson(SummaryCounts):
    """One person's facts in one built period (`SummaryCounts`).

    Kept by `summary.clean` from the participants the database triggers mark
    (`SummaryDirty`); never read for a participant that is marked."""

    period = models.ForeignKey(SummaryPeriod, on_delete=models.CASCADE, related_name="+")
    participant_id = models.BigIntegerField()  # no constraint: gallring deletes persons

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "participant_id"], name="one_summary_row")
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.participant_id}"


class SummaryKind(SummaryCounts):
    """The persons of one built period counted per kind (`KIND_FIELDS`), with their sums:
    always the `SummaryPerson` rows of the period added up, kept so by `summary.build` and
    `summary.clean` in the transaction that changes those rows. The report counts a few
    thousand kinds, not hundreds of thousands of persons."""

    period = models.ForeignKey(SummaryPeriod, on_delete=models.CASCADE, related_name="+")
    persons = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", *KIND_FIELDS], name="one_summary_kind")
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.gender}/{self.band}/{self.mask}: {self.persons}"


class SummaryDirty(models.Model):
    """A participant whose facts changed since the summary was kept: written by database
    triggers on every table the summary reads (migration 0013), so no writer can forget."""

    participant_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return str(self.participant_id)


class Samrad(Recorded):
    """A samråd with Arbetsförmedlingen (000 §4.4)."""

    note = models.TextField(_("anteckning"), blank=True)

    class Meta(Recorded.Meta):
        verbose_name = _("samråd")
        verbose_name_plural = _("samråd")


class Extension(Recorded):
    """An extension of the current spell by the rule's extension length (000 §4.4)."""

    insats_type = models.CharField(_("insats"), max_length=20, choices=InsatsType.choices)
    months = models.PositiveSmallIntegerField(_("månader"))
    reason = models.TextField(_("motivering"))
    samrad = models.ForeignKey(Samrad, on_delete=models.PROTECT, null=True, blank=True)

    class Meta(Recorded.Meta):
        verbose_name = _("förlängning")
        verbose_name_plural = _("förlängningar")


class Enrolment(Recorded):
    """A kompetenshöjande enrolment beside the state, Heltidsmodellen (000 §4.4)."""

    course = models.CharField(_("kurs"), max_length=100)
    scope = models.PositiveSmallIntegerField(_("omfattning (% av heltid)"), default=100)

    class Meta(Recorded.Meta):
        verbose_name = _("kompetenshöjande insats")
        verbose_name_plural = _("kompetenshöjande insatser")


class EnrolmentEnd(Recorded):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="ends")

    class Meta(Recorded.Meta):
        verbose_name = _("avslutad kompetenshöjande insats")
        verbose_name_plural = _("avslutade kompetenshöjande insatser")


class FollowUp(Recorded):
    """The 6-month follow-up after an ended anställning (000 §4.5, UT6)."""

    spell_ended_on = models.DateField(_("anställningen slutade"))
    receives_eb = models.BooleanField(_("har ekonomiskt bistånd"))

    class Meta(Recorded.Meta):
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")


class EmploymentCheck(Recorded):
    """The check, a month or more after an ARBETE exit, of whether the work lasted at
    least one continuous month (K3, Kolada). A case exits once, so the exit date names it."""

    exit_on = models.DateField(_("avslutsdatum"))
    lasted_month = models.BooleanField(_("arbetet varade minst en sammanhängande månad"))

    class Meta(Recorded.Meta):
        verbose_name = _("uppföljning av arbete efter en månad")
        verbose_name_plural = _("uppföljningar av arbete efter en månad")


class Note(Recorded):
    """A dated, signed journal note (SoL 11:5; FL 27 §)."""

    text = models.TextField(_("anteckning"))
    is_objection = models.BooleanField(_("deltagarens invändning"), default=False)

    class Meta(Recorded.Meta):
        verbose_name = _("anteckning")
        verbose_name_plural = _("anteckningar")


class Assessment(Recorded):
    """A progression assessment on the programme's step scale (001; 002 §2, §5)."""

    step = models.PositiveSmallIntegerField(_("steg"))

    class Meta(Recorded.Meta):
        verbose_name = _("stegbedömning")
        verbose_name_plural = _("stegbedömningar")


class CoachAssignment(Recorded):
    """A coach assigned or reassigned to the case, with the reason (003 "Samordnare")."""

    from_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tidigare coach"),
    )
    to_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ny coach"),
    )
    reason = models.TextField(_("motivering"), blank=True)

    class Meta(Recorded.Meta):
        verbose_name = _("coachbyte")
        verbose_name_plural = _("coachbyten")


class Attendance(models.Model):
    """Days present per week, entered by the provider (Bromodellen, 002 §5)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attendance")
    week = models.DateField(_("vecka (måndag)"))
    days_present = models.PositiveSmallIntegerField(_("närvarodagar"))
    planned_days = models.PositiveSmallIntegerField(_("planerade dagar"), default=5)
    history = HistoricalRecords()
    # Set by the services before a save; simple-history writes them on the history row.
    _history_user: Any
    _change_reason: str

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [models.UniqueConstraint(fields=["case", "week"], name="one_row_per_week")]

    def __str__(self) -> str:
        return f"{self.week:%G-W%V}: {self.days_present}"


class NewlyArrived(models.TextChoices):
    NO = "nej", _("Nej")
    ETABLERING = "etableringsprogrammet", _("Ja, i etableringsprogrammet")
    UTBILDNINGSPLIKT = "utbildningsplikt", _("Ja, med utbildningsplikt")


class TargetGroupFacts(Recorded):
    """The target groups at referral, as of the referral date (004 §3–4; domain.md).

    Plain columns the board's report counts; NULL (or "") is "not asked". The two
    long-term flags are computed from `unemployed_since` on the referral date when the
    row is written. A correction is a new row that supersedes this one (C2).
    """

    unemployed_since = models.DateField(_("arbetslös sedan"), null=True, blank=True)
    long_term_unemployed = models.BooleanField(_("långtidsarbetslös (>12 mån)"), null=True)
    very_long_term_unemployed = models.BooleanField(
        _("lång långtidsarbetslös (>24 mån)"), null=True
    )
    no_upper_secondary = models.BooleanField(_("saknar gymnasieutbildning"), null=True)
    newly_arrived = models.CharField(
        _("nyanländ"), max_length=24, choices=NewlyArrived.choices, blank=True
    )
    born_outside_europe = models.BooleanField(_("född utanför Europa"), null=True)
    young_neet = models.BooleanField(_("ung som varken arbetar eller studerar"), null=True)
    documented_disability = models.BooleanField(_("dokumenterad funktionsnedsättning"), null=True)
    reason = models.TextField(_("motivering"), blank=True)

    class Meta(Recorded.Meta):
        verbose_name = _("målgruppsuppgifter")
        verbose_name_plural = _("målgruppsuppgifter")


class SavedStatus(models.TextChoices):
    PRELIMINARY = "preliminar", _("preliminär")
    FINAL = "faststalld", _("fastställd")


class SavedReport(models.Model):
    """An indicator report as sent to the board ("fastställd"): who, when, the numbers.

    Never changed once saved; opening it later compares with today's computation.
    """

    period_start = models.DateField(_("från"))
    period_end = models.DateField(_("till"))
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("program")
    )
    programme_ids = models.JSONField(_("program som ingår"), default=list)
    data = models.JSONField(_("indikatorer"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_by_label = models.CharField(_("fastställd av"), max_length=200)
    saved_at = models.DateTimeField(_("fastställd"), default=timezone.now, editable=False)
    # Issue 14 item 6: saved before the period ended -> preliminär; a later fastställ of
    # the same period and programme is the next version and records what changed.
    status = models.CharField(
        _("status"), max_length=12, choices=SavedStatus.choices, default=SavedStatus.FINAL
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ersätter"),
    )  # fmt: skip
    changes = models.JSONField(_("ändringar mot förra versionen"), default=dict, blank=True)
    chart = models.JSONField(_("diagrammets siffror"), default=dict, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("fastställd indikatorrapport")
        verbose_name_plural = _("fastställda indikatorrapporter")
        ordering = ["-saved_at"]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise rules.ImmutableRecordError(_("En fastställd rapport kan inte ändras."))
        super().save(*args, **kwargs)


class ParticipantFact(models.Model):
    """A journaled value of a person's gender or skyddad identitet (issue 17 item 8).

    The referral (or the import) that creates the person writes the first row of each
    field; `casework.identity` writes one on every change. Chained by the audit app, so
    `verify_audit --deep` can tell a raw change of the participant's column from a
    journaled one (docs/adr/0101). Never edited or deleted.
    """

    class Field(models.TextChoices):
        GENDER = "gender", _("kön")
        SKYDDAD_IDENTITET = "skyddad_identitet", _("skyddad identitet")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="facts")
    field = models.CharField(_("uppgift"), max_length=20, choices=Field.choices)
    value = models.CharField(_("värde"), max_length=20)
    recorded_at = models.DateTimeField(_("registrerad"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_label = models.CharField(_("registrerad av"), max_length=200, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("personuppgiftshändelse")
        verbose_name_plural = _("personuppgiftshändelser")
        indexes = [models.Index(fields=["participant", "field", "id"])]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.field}={self.value}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise rules.ImmutableRecordError(_("Dokumentation kan inte ändras; gör en rättelse."))
        self.stamp()
        super().save(*args, **kwargs)

    def stamp(self) -> None:
        if self.actor is not None and not self.actor_label:
            self.actor_label = actor_label(self.actor)

    def delete(self, *args, **kwargs):
        raise rules.ImmutableRecordError(_("Dokumentation kan inte tas bort."))


class SavedFilter(models.Model):
    """A caseload or queue filter saved under a name, per user (issue 12, item 9)."""

    class Page(models.TextChoices):
        CASELOAD = "caseload", _("Mina ärenden")
        QUEUE = "queue", _("Aktualiseringar")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    page = models.CharField(_("sida"), max_length=20, choices=Page.choices)
    name = models.CharField(_("namn"), max_length=80)
    query = models.CharField(_("urval"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("sparat urval")
        verbose_name_plural = _("sparade urval")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="one_name_per_page")
        ]

    def __str__(self) -> str:
        return self.name
