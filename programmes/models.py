"""Programmes, their duration rules, and the organisations and units that run them.

This app depends on no other app of the project (STYLE.md "Where code goes").
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InsatsType(models.TextChoices):
    """The insats states of the case state machine (domain.md, 000 §4.4)."""

    KARTLAGGNING = "kartlaggning", _("Kartläggning och individuell planering")
    JOBBSOK = "jobbsok", _("Jobbsökaraktivitet")
    ARBETSTRANING = "arbetstraning", _("Arbetsträning")
    ARBETSPRAKTIK = "arbetspraktik", _("Arbetspraktik")
    ANSTALLNING = "anstallning", _("Arbetsmarknadsanställning")


class IncomeSupport(models.TextChoices):
    """Income support at referral, `forsorjning` (domain.md "Codes")."""

    EB_ARBETSLOSHET = "EB_ARBETSLOSHET", _("Ekonomiskt bistånd, arbetslöshet")
    EB_ANNAT = "EB_ANNAT", _("Ekonomiskt bistånd, annat skäl")
    RISK = "RISK", _("Riskerar att behöva ekonomiskt bistånd")
    SJUKPENNING = "SJUKPENNING", _("Sjukpenning")
    AKTIVITETSERSATTNING = "AKTIVITETSERSATTNING", _("Aktivitetsersättning")
    INGEN = "INGEN", _("Ingen ersättning")


class TargetGroup(models.TextChoices):
    """The optional target-group facts recorded at referral (004 §3–4; domain.md)."""

    UNEMPLOYED_SINCE = "arbetslos_sedan", _("Arbetslös sedan")
    NO_UPPER_SECONDARY = "ej_gymnasium", _("Saknar gymnasieutbildning")
    NEWLY_ARRIVED = "nyanland", _("Nyanländ i etableringsprogrammet eller utbildningsplikt")
    BORN_OUTSIDE_EUROPE = "utomeuropeisk", _("Född utanför Europa")
    YOUNG_NEET = "ung_uvas", _("Ung 16–24 år som varken arbetar eller studerar")
    DISABILITY = "funktionsnedsattning", _("Dokumenterad funktionsnedsättning")


class OrganisationKind(models.TextChoices):
    KOMMUN = "kommun", _("Kommun")
    SAMORDNINGSFORBUND = "samordningsforbund", _("Samordningsförbund")
    LEVERANTOR = "leverantor", _("Leverantör")


class Organisation(models.Model):
    """A municipality, a samordningsförbund or a provider. Secrecy boundaries follow it."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=OrganisationKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit of an organisation (a Jobbtorg office, a county part of Sikta, a provider)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name=_("medarbetare")
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def default_steps() -> list[str]:
    """The progression 'trappa' of seed 001, from far from the labour market to in work."""
    return [
        "1 Långt från arbetsmarknaden",
        "2 Motiverad och påbörjar förändring",
        "3 Arbetsträning med stöd",
        "4 Redo att söka arbete eller studier",
        "5 I arbete eller studier",
    ]


class Programme(models.Model):
    """A labour-market programme with its target group and samråd rule (domain.md)."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("ägare")
    )
    shared_with = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="shared_programmes",
        verbose_name=_("delas med"),
        help_text=_("Organisationer som uttryckligen delar ärenden i programmet (S5)."),
    )
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("lägsta ålder"), default=18)
    max_age = models.PositiveSmallIntegerField(_("högsta ålder"), default=64)
    income_support_codes = models.JSONField(
        _("godtagen försörjning"),
        default=list,
        help_text=_("Försörjningskoder som uppfyller målgruppen."),
    )
    risk_exception = models.BooleanField(
        _("undantag för risk"),
        default=False,
        help_text=_("RISK godtas som markerat undantag med obligatorisk anteckning (000 §4.4)."),
    )
    samrad_before_first_insats = models.BooleanField(
        _("samråd med Af före första insats"), default=False
    )
    tracks_attendance = models.BooleanField(_("följer upp närvaro"), default=False)
    progression_steps = models.JSONField(_("stegskala"), default=default_steps)
    # A limit on the whole case, besides each insats (Sikta, 003; domain.md 2026-12).
    case_limit_months = models.PositiveSmallIntegerField(
        _("tidsgräns för ärendet (månader)"),
        null=True,
        blank=True,
        help_text=_("Räknas från första insatsen. Tomt = ingen gräns för hela ärendet."),
    )
    case_extension_months = models.PositiveSmallIntegerField(
        _("förlängning av ärendet, högst (månader)"), default=0
    )
    case_max_extensions = models.PositiveSmallIntegerField(
        _("högsta antal förlängningar av ärendet"), default=0
    )
    extra_exit_reasons = models.JSONField(
        _("avslutsorsaker enligt avtalet"),
        default=list,
        blank=True,
        help_text=_("Avslutsorsaker som bara detta programs avtal nämner (Sikta, 003)."),
    )
    uses_step_scale = models.BooleanField(
        _("använder stegskalan"),
        default=False,
        help_text=_("Utgångsläget måste bedömas innan första insatsen startar (001; 002 §5)."),
    )
    target_groups = models.JSONField(
        _("målgrupper som frågas vid aktualisering"),
        default=list,
        blank=True,
        help_text=_("Vilka målgruppsuppgifter aktualiseringen frågar efter (004 §3–4)."),
    )
    # Sharing widens who may see the cases (S5): who shared and when is kept.
    history = HistoricalRecords(m2m_fields=[shared_with])

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def rule_for(self, insats: str) -> "InsatsRule | None":
        # The rules ask this several times per event: read the prefetched rules directly
        # rather than through a new related manager each time (what .all() would return).
        rules = getattr(self, "_prefetched_objects_cache", {}).get("rules")
        if rules is None:
            rules = self.rules.all()
        return next((r for r in rules if r.insats_type == insats), None)


class ProgrammeBudget(models.Model):
    """The programme's budget for a calendar year, for K4 and K5 (seed 000 §3; 002 §7)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("program")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount_kr = models.PositiveBigIntegerField(_("belopp (kr)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgetar")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="one_budget_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year}"


class MemberMunicipality(models.Model):
    """A municipality of the programme's agreement; a referral records the participant's.

    `unit` is the county part (or office) that serves it (003 "Insatsorganisation").
    """

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="municipalities",
        verbose_name=_("program"),
    )
    name = models.CharField(_("kommun"), max_length=100)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("enhet"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskommun")
        verbose_name_plural = _("medlemskommuner")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="one_member_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class InsatsRule(models.Model):
    """Duration rule for one insats type in one programme (000 §4.4; 002 §5; 003)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("program")
    )
    insats_type = models.CharField(_("insats"), max_length=20, choices=InsatsType.choices)
    base_months = models.PositiveSmallIntegerField(
        _("grundlängd (månader)"), null=True, blank=True, help_text=_("Tomt = ingen gräns.")
    )
    extension_months = models.PositiveSmallIntegerField(_("förlängning (månader)"), default=0)
    max_extensions = models.PositiveSmallIntegerField(_("högsta antal förlängningar"), default=0)
    extension_needs_samrad = models.BooleanField(
        _("förlängning kräver samråd med Af"), default=False
    )
    coordinator_sets_max = models.BooleanField(
        _("samordnaren sätter maxtid per deltagare"), default=False
    )
    planned_end_required = models.BooleanField(_("planerat slutdatum krävs"), default=False)
    coordinator_sets_min = models.BooleanField(
        _("samordnaren sätter minsta tid per deltagare"), default=False
    )
    places_regular_municipal_only = models.BooleanField(
        _("platserna gäller bara vanlig anställning i kommunal verksamhet"),
        default=False,
        help_text=_("OSA och externa arbetsplatser tar ingen plats (000 §4.4)."),
    )
    places_by_scope = models.BooleanField(
        _("platserna räknas i heltid"),
        default=False,
        help_text=_("En deltagare på 50 % tar en halv plats (002 §5)."),
    )
    capacity = models.PositiveIntegerField(
        _("platser"), null=True, blank=True, help_text=_("Tomt = ingen platsgräns.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("varaktighetsregel")
        verbose_name_plural = _("varaktighetsregler")
        constraints = [
            models.UniqueConstraint(fields=["programme", "insats_type"], name="one_rule_per_insats")
        ]

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.get_insats_type_display()}"


class Workplace(models.Model):
    """A workplace for arbetspraktik and anställning; `kommunal` feeds indicator UT1."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="workplaces",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("namn"), max_length=200)
    kommunal = models.BooleanField(
        _("kommunal verksamhet"), help_text=_("I kommunens egen verksamhet (UT1).")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("arbetsplats")
        verbose_name_plural = _("arbetsplatser")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "kommunal"], name="unique_workplace"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GoalKind(models.TextChoices):
    """How a goal of an agreement is judged (issue 14 item 2, docs/indicators.md "Goals")."""

    AT_LEAST = "at_least", _("minst N personer")
    SHARE_AT_LEAST = "share_at_least", _("andel minst x %")
    MORE_THAN_LAST_YEAR = "more_than_last_year", _("fler än samma period förra året")
    LESS_THAN_LAST_YEAR = "less_than_last_year", _("färre än samma period förra året")


# Indicator codes joined by "+" ("UT2+UT3"); the report decides which codes exist.
# The first ages past the report's age bands 16–24, 25–54 and 55–64.
AGE_BAND_LIMITS = (25, 55, 65)
MEASURE_PATTERN = r"^[A-Z][A-Z0-9]*(\+[A-Z][A-Z0-9]*)*$"


class Goal(models.Model):
    """A målvärde of a programme's agreement for one year, measured on the report."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="goals", verbose_name=_("program")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    measure = models.CharField(
        _("indikator"),
        max_length=40,
        validators=[RegexValidator(MEASURE_PATTERN, _("Ange indikatorkoder, t.ex. UT2+UT3."))],
        help_text=_("Indikatorkod, eller flera koder med + som summeras (UT2+UT3)."),
    )
    denominator = models.CharField(
        _("andel av"),
        max_length=40,
        blank=True,
        validators=[RegexValidator(MEASURE_PATTERN, _("Ange indikatorkoder, t.ex. UT5."))],
        help_text=_(
            "För en andel: indikatorn som andelen räknas av (UT5). Vid en jämförelse med "
            "förra året jämförs då andelen."
        ),
    )
    age_below = models.PositiveSmallIntegerField(
        _("endast yngre än (år)"),
        null=True,
        blank=True,
        help_text=_("Räknar bara åldersgrupperna under gränsen (16–24, 25–54)."),
    )
    kind = models.CharField(_("typ av mål"), max_length=24, choices=GoalKind.choices)
    target = models.DecimalField(
        _("målvärde"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    wording = models.TextField(_("överenskommelsens formulering"))
    source = models.CharField(_("källa"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("målvärde")
        verbose_name_plural = _("målvärden")
        ordering = ["programme", "year", "pk"]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.year}: {self.wording[:60]}"

    def clean(self) -> None:
        errors = {}
        needs_target = self.kind in (GoalKind.AT_LEAST, GoalKind.SHARE_AT_LEAST)
        if needs_target and self.target is None:
            errors["target"] = _("Målet behöver ett målvärde.")
        if not needs_target and self.target is not None:
            errors["target"] = _("En jämförelse med förra året har inget målvärde.")
        if self.kind == GoalKind.SHARE_AT_LEAST and not self.denominator:
            errors["denominator"] = _("Ange vad andelen räknas av.")
        if self.kind == GoalKind.AT_LEAST and self.denominator:
            errors["denominator"] = _("Ett antal har ingen 'andel av'; välj en andel.")
        if self.age_below is not None and self.age_below not in AGE_BAND_LIMITS:
            errors["age_below"] = _("Åldersgränsen ska vara 25, 55 eller 65 år.")
        if errors:
            raise ValidationError(errors)
