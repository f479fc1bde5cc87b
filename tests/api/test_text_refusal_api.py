"""Issue 17 (Low): the API refuses the text the forms refuse, through the rule layer."""

from datetime import date

from casework.models import Case
from tests.factories import make_pnr

BIDI = "Anna\u202eeraN"


def test_the_api_refuses_the_same_text_with_the_swedish_reason(api_a):
    body = {
        "personnummer": make_pnr(date(1990, 5, 17), 443),
        "gender": "K",
        "programme": "JOBBTORG",
        "referred_on": "2026-01-02",
        "income_support": "EB_ARBETSLOSHET",
        "first_name": BIDI,
    }
    response = api_a.post("/api/v1/referrals", body)
    assert response.status_code == 422, response.json()
    assert "skrivriktning" in response.json()["detail"]
    assert not Case.objects.exists()
