"""The page of the village collectives' own annual assessment (村级集体年度考核): each village's score,
entered row by row or imported from Excel, and the export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, object_in_town_or_404, town_or_404
from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError
from kaoping.core.params import int_param
from kaoping.people.models import Village

from . import collectives, scores
from .models import AnnualPublication, CollectiveMethod, CollectiveScore


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _posted_version(request: HttpRequest) -> int:
    posted = int_param(request.POST.get("version"), low=0, high=2**31 - 1)
    return -1 if posted is None else posted  # garbage matches no version: refused as a conflict


def _context(request: HttpRequest, town, year: int, **extra) -> dict:
    settings, _defaults = scores.year_settings(town, year)
    published = AnnualPublication.objects.filter(town=town, year=year).exists()
    return {
        "town": town,
        "year": year,
        "settings": settings,
        "own_method": settings.collective_method == CollectiveMethod.OWN_SCORE,
        "own_label": CollectiveMethod.OWN_SCORE.label,
        "published": published,
        "manage": can(request.user, Action.MANAGE_ANNUAL, town) and not published,
        "lines": collectives.lines(town, year),
        "upload": UploadForm(),
        **extra,
    }


@login_required
def page(request: HttpRequest, town: str, year: int) -> HttpResponse:
    """The year's village collectives and their scores; the office enters a score per row (HTMX swaps
    the row alone; without JavaScript the whole page is shown again)."""
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = _year(year)
    if request.method != "POST":
        return render(request, "annual/collectives.html", _context(request, town_obj, year))
    if not can(request.user, Action.MANAGE_ANNUAL, town_obj):
        raise PermissionDenied(_("You are not allowed to do this."))
    village = object_in_town_or_404(
        Village.objects.all(), town_obj, pk=int_param(request.POST.get("village"), low=1, high=2**31 - 1) or 0
    )
    error = ""
    try:
        collectives.score_save(
            actor=request.user,
            town=town_obj,
            year=year,
            village=village,
            score=request.POST.get("score", ""),
            basis=request.POST.get("basis", ""),
            based_on=_posted_version(request),
        )
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        entry = (
            CollectiveScore.objects.filter(town=town_obj, year=year, village=village)
            .select_related("entered_by")
            .first()
        )
        return render(
            request,
            "annual/_collective_row.html",
            {
                "town": town_obj,
                "year": year,
                "line": collectives.Line(village, entry),
                "manage": True,
                "error": error,
                "typed": request.POST if error else None,
                "saved": not error,
            },
        )
    if error:
        messages.error(request, f"{village.name}: {error}")
    else:
        messages.success(request, _("The score of %(village)s is saved.") % {"village": village.name})
    return redirect("annual:collectives", town, year)


@login_required
@require_POST
def remove(request: HttpRequest, town: str, year: int, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_ANNUAL)
    entry = object_in_town_or_404(
        CollectiveScore.objects.select_related("village", "town"), town_obj, pk=pk, year=_year(year)
    )
    try:
        collectives.score_remove(actor=request.user, entry=entry, based_on=_posted_version(request))
        messages.success(
            request,
            _("The score of %(village)s is removed: the village is not scored.")
            % {"village": entry.village.name},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("annual:collectives", town, year)


@login_required
@require_POST
def upload(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_ANNUAL)
    year = _year(year)
    form = UploadForm(request.POST, request.FILES)
    problems: list = []
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            result = collectives.score_import(
                actor=request.user, town=town_obj, year=year, file=file, filename=file.name
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if result.ok:
                messages.success(
                    request,
                    ngettext("%(n)d village score imported.", "%(n)d village scores imported.", result.saved)
                    % {"n": result.saved},
                )
                return redirect("annual:collectives", town, year)
            problems = result.problems
    return render(
        request,
        "annual/collectives.html",
        _context(request, town_obj, year, upload=form, problems=problems),
        status=200 if not form.errors else 400,
    )


@login_required
def template(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_ANNUAL)
    return spreadsheets.xlsx_response(
        collectives.score_template(town_obj),
        filename=f"村级集体年度考核导入模板-{_year(year)}.xlsx",
        fallback=f"village-collectives-template-{year}.xlsx",
    )


@login_required
def export(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = _year(year)
    return spreadsheets.xlsx_response(
        collectives.score_export(town_obj, year),
        filename=f"{town_obj.name}-{year}-村级集体年度考核.xlsx",
        fallback=f"village-collectives-{town_obj.slug}-{year}.xlsx",
    )
