"""The annual report's page (a year picker, the report's parts) and its Word and PDF documents, for
the offices, the leaders and the city (`Action.VIEW_YEARBOOK`); a cadre does not see the town's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from kaoping.accounts.permissions import Action, town_or_404
from kaoping.annual import selectors as annual
from kaoping.core import documents as house_style
from kaoping.core.errors import DomainError
from kaoping.core.params import int_param

from . import documents
from . import report as reports


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def report(request: HttpRequest, town: str, year: int | None = None) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_YEARBOOK)
    current = timezone.localdate().year
    if year is None:
        year = int_param(request.GET.get("year"), low=2000, high=2100)
        if year is not None:
            return redirect("yearbook:year", town, year)
        years = annual.year_choices(town_obj, current)
        # The latest year with anything published; the current year when nothing is.
        year = years[0]
    year = _year(year)
    return render(
        request,
        "yearbook/report.html",
        {
            "town": town_obj,
            "year": year,
            "years": annual.year_choices(town_obj, year),
            "report": reports.build(town_obj, year),
            "pdf": house_style.soffice() is not None,
        },
    )


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


@login_required
def report_docx(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_YEARBOOK)
    built = reports.build(town_obj, _year(year))
    return _download(
        documents.report_docx(built, by=request.user),
        documents.filename(built, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
def report_pdf(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_YEARBOOK)
    built = reports.build(town_obj, _year(year))
    try:
        content = house_style.docx_to_pdf(documents.report_docx(built, by=request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("yearbook:year", town, year)
    return _download(content, documents.filename(built, "pdf"), "application/pdf")
