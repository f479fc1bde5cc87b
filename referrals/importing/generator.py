"""A realistic, valid and deterministic case history in the import format.

Identity numbers follow a documented fictitious scheme (SD3, N6), never Faker `ssn()`:
a real birth date, a serial from 980 to 999 (the range this project keeps for
fictitious persons, as in the demo and test factories) and a computed Luhn digit;
about one in twenty is a samordningsnummer (day + 60). Names come from Faker `sv_SE`.

Each person gets one or more cases that keep to the programme's rules as seeded
(programmes.seed): durations within the budget (a few cases overstay, which the rules
record and flag), extensions with a reason and, where the rule needs it, a samråd
first; Jobbtorg's samråd before the first insats; planned ends for OSA and
Bromodellen; Heltidsmodellen enrolments; exits with reasons; follow-ups about six
months after an anställning ended; re-referrals after an exit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from casework.personnummer import luhn_digit
from casework.rules import add_months
from programmes.seed import AGREEMENTS, PROGRAMMES

SERIALS = range(980, 1000)
BASELINE_PROGRAMMES = {c for c, spec in AGREEMENTS.items() if spec["uses_step_scale"]}
PROGRAMME_WEIGHTS = {"JOBBTORG": 45, "SIKTA": 20, "BROMODELLEN": 15, "AME_JARFALLA": 20}
SOURCES = {
    "JOBBTORG": ["SOC", "SOC", "SOC", "AF", "VUX"],
    "SIKTA": ["FK", "FK", "SOC", "AF", "REGION"],
    "BROMODELLEN": ["SOC", "SOC", "AF", "EGEN"],
    "AME_JARFALLA": ["AF", "AF", "SOC", "EGEN"],
}
INCOME_WEIGHTS = {
    "EB_ARBETSLOSHET": 50,
    "EB_ANNAT": 25,
    "RISK": 6,
    "SJUKPENNING": 8,
    "AKTIVITETSERSATTNING": 5,
    "INGEN": 6,
}
EXIT_WEIGHTS = {
    "ARBETE": 25,
    "STUDIER": 12,
    "AF": 10,
    "FK": 5,
    "SOCIALTJANST": 14,
    "DAGLIG_VERKSAMHET": 3,
    "ANNAN_INSATS": 5,
    "AVBROTT": 10,
    "FLYTT": 5,
    "SJUK": 7,
    "OVRIGT": 4,
}
NEXT_INSATS = {"jobbsok": 35, "arbetstraning": 25, "arbetspraktik": 25, "anstallning": 15}
COURSES = ["SFI", "Komvux svenska", "Komvux matematik", "Truckkort"]
WORKPLACES = {
    True: ["Parkförvaltningen", "Äldreomsorgen Solgården", "Kommunens kök", "Återbruket"],
    False: ["Bygg AB", "ICA Kvantum", "Städbolaget i Sörmland", "Verkstad & Svets AB"],
}
EXTENSION_REASONS = ["Behöver mer tid för att nå målet", "Sjukfrånvaro under perioden"]
RULES = {
    spec["code"]: {rule[0]: rule for rule in spec["rules"]} for spec in PROGRAMMES
}  # insats -> (insats, base, ext, max_ext, ext_samrad, sets_max, planned, capacity)
SPECS = {spec["code"]: spec for spec in PROGRAMMES}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Person:
    pnr: str
    gender: str
    born: date
    first_name: str
    last_name: str
    rows: list[dict] = field(default_factory=list)


class HistoryGenerator:
    """`rows()` gives the whole history sorted by date, file order kept within a date."""

    def __init__(self, *, seed: int, until: date, years: int = 4):
        self.rng = random.Random(seed)
        self.fake = Faker("sv_SE")
        self.fake.seed_instance(seed)
        self.until = until
        self.start = add_months(until, -12 * years)
        self.used: set[tuple[date, int, bool]] = set()

    # --- persons -------------------------------------------------------------------------------

    def person(self) -> Person:
        rng = self.rng
        gender = rng.choices("KMX", weights=[48, 49, 3])[0]
        age = rng.randint(18, 24) if rng.random() < 0.4 else rng.randint(25, 60)
        born = self.until - timedelta(days=365 * age + rng.randint(0, 364))
        samordning = rng.random() < 0.05
        while True:
            serial = rng.choice(SERIALS)
            if (born, serial, samordning) not in self.used:
                break
            born -= timedelta(days=1)
        self.used.add((born, serial, samordning))
        day = born.day + (60 if samordning else 0)
        nine = f"{born:%y%m}{day:02d}{serial:03d}"
        pnr = f"{born:%Y}{nine[2:]}{luhn_digit(nine)}"
        if gender == "K":
            first = self.fake.first_name_female()
        elif gender == "M":
            first = self.fake.first_name_male()
        else:
            first = self.fake.first_name()
        return Person(pnr, gender, born, first, self.fake.last_name())

    def history(self, person: Person) -> None:
        programme = pick(self.rng, PROGRAMME_WEIGHTS)
        spec = SPECS[programme]
        first = max(self.start, spec["valid_from"], _birthday(person.born, spec["min_age"]))
        if first >= self.until - timedelta(days=10):
            programme, spec = "JOBBTORG", SPECS["JOBBTORG"]
            first = max(self.start, _birthday(person.born, 18))
        on = first + timedelta(days=self.rng.randint(0, max(0, (self.until - first).days - 10)))
        while on <= self.until:
            ended = Case(self, person, programme, on).run()
            if ended is None or self.rng.random() > 0.2:
                return
            on = ended + timedelta(days=self.rng.randint(30, 400))

    def rows(self, persons: int) -> list[dict]:
        everyone = []
        for _ in range(persons):
            person = self.person()
            self.history(person)
            everyone.extend(person.rows)
        everyone = [r for r in everyone if r["datum"] <= self.until.isoformat()]
        everyone.sort(key=lambda r: r["datum"])  # stable: each person's order kept
        return everyone


def _birthday(born: date, age: int) -> date:
    return add_months(born, 12 * age)


class Case:
    """One case from referral to exit (or still open on `until`)."""

    def __init__(self, gen: HistoryGenerator, person: Person, programme: str, on: date):
        self.gen, self.rng, self.person, self.programme = gen, gen.rng, person, programme
        self.rules = RULES[programme]
        self.spec = SPECS[programme]
        self.on = on
        self.ended_anstallning: date | None = None

    def emit(self, handelse: str, on: date, detalj: str = "", **extra) -> None:
        self.person.rows.append(
            {
                "personnummer": self.person.pnr,
                "kon": self.person.gender,
                "program": self.programme,
                "handelse": handelse,
                "datum": on.isoformat(),
                "detalj": detalj,
                **extra,
            }
        )

    def run(self) -> date | None:
        """Emit the case; the exit date, or None when it is still open on `until`."""
        self.refer()
        if self.rng.random() < 0.08:
            end = self.on + timedelta(days=self.rng.randint(3, 40))
            self.emit("avslut", end, "EJ_AKTUELL")
            return end if end <= self.gen.until else None
        start = self.on + timedelta(days=self.rng.randint(3, 25))
        if self.spec["samrad_before_first_insats"]:
            self.emit("samrad", start - timedelta(days=self.rng.randint(0, 2)), "Samråd med Af")
        end = self.insatser(start)
        if end > self.gen.until:
            return None
        self.emit("avslut", end, pick(self.rng, EXIT_WEIGHTS))
        return self.followup(end)

    def refer(self) -> None:
        codes = self.spec["income_support_codes"] + (
            ["RISK"] if self.spec["risk_exception"] else []
        )
        income = pick(self.rng, {c: w for c, w in INCOME_WEIGHTS.items() if c in codes})
        self.emit(
            "aktualisering",
            self.on,
            income,
            kalla=self.rng.choice(SOURCES[self.programme]),
            fornamn=self.person.first_name,
            efternamn=self.person.last_name,
            # A fixed baseline where the scale is used, so the first insats may start (001).
            **({"steg": "1"} if self.programme in BASELINE_PROGRAMMES else {}),
        )

    def insatser(self, start: date) -> date:
        """Kartläggning, then one to three other insatser, each type once; the last end."""
        on = self.spell("kartlaggning", start)
        choices = {k: w for k, w in NEXT_INSATS.items() if k in self.rules}
        for _ in range(self.rng.randint(1, 3)):
            if not choices or on > self.gen.until:
                break
            insats = pick(self.rng, choices)
            del choices[insats]
            on = self.spell(insats, on)
        return on

    def spell(self, insats: str, start: date) -> date:
        """Emit the start (and extensions); the end date, exclusive."""
        _i, base, ext, max_ext, ext_samrad, sets_max, planned, _c = self.rules[insats]
        extra = self.workplace() if insats in ("arbetspraktik", "anstallning") else {}
        if insats == "anstallning" and self.rng.random() < 0.1:
            return self.planned(insats, start, extra, osa=True)
        if sets_max or planned:
            return self.planned(insats, start, extra, osa=False)
        self.emit(insats, start, **extra)
        if base is None:
            end = start + timedelta(days=self.rng.randint(20, 200))
        else:
            extensions = self.rng.randint(1, max_ext) if max_ext and self.rng.random() < 0.3 else 0
            on = start
            for n in range(1, extensions + 1):
                on = add_months(start, base + (n - 1) * ext) - timedelta(days=20)
                if ext_samrad:
                    self.emit("samrad", on - timedelta(days=self.rng.randint(1, 10)))
                self.emit("forlangning", on, self.rng.choice(EXTENSION_REASONS))
            limit = (add_months(start, base + extensions * ext) - start).days
            end = max(start + timedelta(days=self.duration(limit)), on + timedelta(days=1))
        self.enrolment(start, end)
        if insats == "anstallning":
            self.ended_anstallning = end
        return end

    def duration(self, limit_days: int) -> int:
        """Mostly within the budget; about one in twenty overstays by up to six weeks."""
        if self.rng.random() < 0.05:
            return limit_days + self.rng.randint(1, 40)
        return self.rng.randint(min(30, limit_days - 1), limit_days - 1)

    def planned(self, insats: str, start: date, extra: dict, *, osa: bool) -> date:
        planned_end = add_months(start, self.rng.randint(3, 12))
        self.emit(
            insats, start, "OSA" if osa else "", planerat_slut=planned_end.isoformat(), **extra
        )
        end = planned_end + timedelta(days=self.rng.choice([-20, -5, 0, 1, 1, 1, 10]))
        if insats == "anstallning":
            self.ended_anstallning = end
        return end

    def workplace(self) -> dict:
        kommunal = self.rng.random() < 0.6
        name = self.rng.choice(WORKPLACES[kommunal])
        return {"arbetsplats": name, "kommunal": "ja" if kommunal else "nej"}

    def enrolment(self, start: date, end: date) -> None:
        """Heltidsmodellen: studies beside the insats in about one Jobbtorg case in four."""
        if self.programme != "JOBBTORG" or self.rng.random() > 0.25 or (end - start).days < 20:
            return
        course = self.rng.choice(COURSES)
        begin = start + timedelta(days=self.rng.randint(1, 10))
        self.emit("kompetens_start", begin, course)
        stop = min(end, begin + timedelta(days=self.rng.randint(60, 240)))
        self.emit("kompetens_slut", stop, course)

    def followup(self, exit_on: date) -> date:
        """About six months after an anställning ended; a re-referral comes later."""
        if self.ended_anstallning is None or self.rng.random() > 0.85:
            return exit_on
        on = max(add_months(self.ended_anstallning, 6), exit_on)
        self.emit("uppfoljning", on, "EB_JA" if self.rng.random() < 0.3 else "EB_NEJ")
        return on


def generate(*, persons: int, seed: int, until: date, max_rows: int | None = None) -> list[dict]:
    rows = HistoryGenerator(seed=seed, until=until).rows(persons)
    return rows[:max_rows] if max_rows else rows
