"""Build indicator scenarios through the real services, with back-dated effective dates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from casework.indicators import periods, report
from casework.models import Transition
from casework.services import (
    case_exit,
    case_start_insats,
    enrolment_end,
    enrolment_start,
    followup_record,
    samrad_record,
)
from programmes.models import Programme
from referrals.services import referral_register
from tests.factories import UserFactory, make_pnr, unit, workplace

T1_2026 = periods.tertial(2026, 1)
T2_2026 = periods.tertial(2026, 2)
T3_2026 = periods.tertial(2026, 3)


class Journal:
    """One staff member with every write permission, and short verbs for the scenarios."""

    def __init__(self):
        self.user = UserFactory(roles=["coordinator", "coach"], units=[unit(), unit("sikta-sodra")])
        self._serial = iter(range(100, 980))

    def person(self, born: date = date(1990, 5, 17)) -> str:
        return make_pnr(born, next(self._serial))

    def refer(
        self,
        on: date,
        *,
        gender: str = "K",
        born: date = date(1990, 5, 17),
        pnr: str | None = None,
        income: str = "EB_ARBETSLOSHET",
        programme: str = "JOBBTORG",
        unit_code: str | None = None,
        **extra,
    ):
        if unit_code is None:
            unit_code = "sikta-sodra" if programme == "SIKTA" else "nykoping-jobbtorg"
        case = referral_register(
            personnummer_value=pnr or self.person(born),
            gender=gender,
            programme=Programme.objects.get(code=programme),
            unit=unit(unit_code),
            on=on,
            income_support=income,
            by=self.user,
            **extra,
        )
        if programme == "JOBBTORG":
            samrad_record(case_id=case.pk, on=on, by=self.user)
        return case

    def start(self, case, insats: str, on: date, *, kommunal: bool = True) -> Transition:
        extra: dict[str, Any] = {}
        if insats in ("arbetspraktik", "anstallning"):
            extra = {"workplace": workplace(kommunal=kommunal)}
        return case_start_insats(case_id=case.pk, insats=insats, on=on, by=self.user, **extra)

    def exit(self, case, on: date, reason: str = "ARBETE", **extra) -> Transition:
        return case_exit(case_id=case.pk, on=on, reason_code=reason, by=self.user, **extra)

    def enrol(self, case, on: date, course: str = "Svenska"):
        return enrolment_start(case_id=case.pk, course=course, on=on, by=self.user)

    def unenrol(self, case, on: date, course: str = "Svenska"):
        return enrolment_end(case_id=case.pk, course=course, on=on, by=self.user)

    def follow_up(self, case, on: date, receives_eb: bool):
        return followup_record(case_id=case.pk, on=on, receives_eb=receives_eb, by=self.user)


def counts(period, code: str, **kwargs) -> dict:
    return report.build(period, **kwargs)["indicators"][code]


def cell(total, k=0, m=0, x=0) -> dict:
    return {"total": total, "K": k, "M": m, "X": x}


def day(d: date, n: int) -> date:
    return d + timedelta(days=n)
