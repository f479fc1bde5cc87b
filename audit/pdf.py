"""The register extract as PDF, rendered by WeasyPrint from the same template body (G1)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .extract import Extract


def extract_pdf(request, result: Extract, *, years: list[int]) -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, only the PDF needs it

    html = render_to_string(
        "audit/register_extract_pdf.html",
        {"extract": result, "years": years, "generated_at": timezone.now()},
        request=request,
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()


def pdf_response(request, result: Extract, *, years: list[int]) -> HttpResponse:
    response = HttpResponse(
        extract_pdf(request, result, years=years), content_type="application/pdf"
    )
    name = f"registerutdrag-{result.person.pk}-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
