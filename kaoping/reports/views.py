from collections import OrderedDict
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import (
    Action,
    can,
    may_see_breakdown,
    object_in_town_or_404,
    ranking_limited_to,
    town_or_404,
)
from kaoping.core import spreadsheets
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError
from kaoping.engine import periods
from kaoping.indicators.models import RuleKind, TieBreak
from kaoping.people.models import Cadre, Population
from kaoping.people.selectors import cadre_or_404
from kaoping.results import corrections
from kaoping.results import services as period_services
from kaoping.results.models import Correction, CorrectionStatus, MonthlyResult
from kaoping.results.selectors import breakdown_lines, with_basis
from kaoping.scoring import completeness, services
from kaoping.scoring.models import Excusal, Period, PeriodStatus, ScoreSheet
from kaoping.scoring.selectors import month_slug, period_or_404

from . import charts, frozen, rankings


def _may_see(request: HttpRequest, period: Period) -> bool:
    """Results before publication are for the office and leaders; afterwards for the whole town."""
    town = period.town
    if can(request.user, Action.VIEW_RESULTS, town):
        return True
    return period.status == PeriodStatus.PUBLISHED and can(request.user, Action.VIEW_PUBLISHED_RESULTS, town)


def _town_and_period(request: HttpRequest, town: str, month: str) -> tuple:
    town_obj = town_or_404(request, town, Action.VIEW_PUBLISHED_RESULTS)
    period = period_or_404(town_obj, month)
    if not _may_see(request, period):
        raise Http404
    return town_obj, period


@login_required
def period_list(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_PUBLISHED_RESULTS)
    periods = Period.objects.filter(town=town).prefetch_related("sheets__scheme")
    if not can(request.user, Action.VIEW_RESULTS, town):
        periods = periods.filter(status=PeriodStatus.PUBLISHED)
    today = timezone.localdate()
    latest = periods.first()
    suggested = date(today.year, today.month, 1)
    if latest and latest.month >= suggested:
        suggested = date(latest.month.year + latest.month.month // 12, latest.month.month % 12 + 1, 1)
    return render(
        request,
        "reports/period_list.html",
        {
            "town": town,
            "periods": periods,
            "suggested": suggested,
            "manage": can(request.user, Action.MANAGE_PERIODS, town),
            "corrections": {
                "pending": Correction.objects.filter(town=town, status=CorrectionStatus.PENDING).count()
            }
            if can(request.user, Action.VIEW_CORRECTIONS, town)
            else None,
        },
    )


@require_POST
@login_required
def period_open_view(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PERIODS)
    try:
        month = date.fromisoformat(request.POST.get("month", "") + "-01")
        period = services.period_open(actor=request.user, town=town, month=month)
    except ValueError:
        messages.error(request, _("Choose a month."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(month)s is open for scoring.") % {"month": period})
        return redirect("scoring:period_detail", town.slug, month_slug(period))
    return redirect("scoring:period_list", town.slug)


@login_required
def period_detail(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town, period = _town_and_period(request, town, month)
    sheets = period.sheets.select_related("scheme", "submitted_by", "approved_by").order_by(
        "scheme__population"
    )
    return render(
        request,
        "reports/period_detail.html",
        {
            "town": town,
            "period": period,
            "month": month,
            "sheets": sheets,
            "manage": can(request.user, Action.MANAGE_PERIODS, town),
            "results_count": period.results.count(),
            "moves": [to for (frm, to) in period_services.PERIOD_MOVES if frm == period.status],
        },
    )


@login_required
def period_confirm(request: HttpRequest, town: str, month: str, to: str) -> HttpResponse:
    """Before closing or publishing: what the month holds and what is missing (sheets and their
    states, empty cells, cadres not scored, bonuses and deductions waiting for a decision), what cannot
    be undone, and the form that confirms it."""
    town = town_or_404(request, town, Action.MANAGE_PERIODS)
    period = period_or_404(town, month)
    if (
        to not in period_services.PERIOD_CONSEQUENCES
        or (period.status, to) not in period_services.PERIOD_MOVES
    ):
        messages.error(request, _("This month cannot take that step now."))
        return redirect("scoring:period_detail", town.slug, month)
    summary = completeness.period_summary(period)
    return render(
        request,
        "reports/period_confirm.html",
        {
            "town": town,
            "period": period,
            "month": month,
            "to": to,
            "summary": summary,
            "consequence": period_services.PERIOD_CONSEQUENCES[to],
            "publishable": to != PeriodStatus.PUBLISHED
            or (summary.complete and all(s.sheet.status == "approved" for s in summary.sheets)),
        },
    )


@require_POST
@login_required
def period_move_view(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PERIODS)
    period = period_or_404(town, month)
    try:
        period_services.period_move(
            actor=request.user, period=period, to=request.POST.get("to", ""), confirmed=confirmed(request)
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Unknown status.")))
    else:
        messages.success(
            request,
            _("%(month)s is now %(status)s.")
            % {
                "month": period,
                "status": PeriodStatus(request.POST["to"]).label,
            },
        )
    return redirect("scoring:period_detail", town.slug, month)


def _ranking_params(request: HttpRequest) -> tuple[str, str, str]:
    population = request.GET.get("population") or Population.AGENCY
    if population not in Population.values:
        population = Population.AGENCY
    pool = request.GET.get("pool", "")
    if pool not in {p for p, _label in rankings.pools_of(population)}:
        pool = ""
    span = request.GET.get("span", periods.Span.MONTH)
    if span not in periods.Span.ALL:
        span = periods.Span.MONTH
    return population, pool, span


@login_required
def ranking(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town, period = _town_and_period(request, town, month)
    population, pool, span = _ranking_params(request)
    published_only = not can(request.user, Action.VIEW_RESULTS, town)
    # What the viewer sees of others is the town's setting (accounts.permissions): every row or their
    # own, and names linked to every breakdown or to none (their own is linked above the table).
    only = ranking_limited_to(request.user, town)
    link_everyone = may_see_breakdown(request.user, town, -1)
    context = {
        "town": town,
        "period": period,
        "month": month,
        "population": population,
        "pool": pool,
        "span": span,
        "pools": rankings.pools_of(population),
        "populations": Population.choices,
        "spans": [
            (periods.Span.MONTH, _("Month")),
            (periods.Span.QUARTER, _("Quarter to date")),
            (periods.Span.YEAR, _("Year to date")),
        ],
        "span_months": periods.span_months(period.month, span),
        "link_everyone": link_everyone,
        "my_cadre": request.user.cadre
        if request.user.cadre_id and request.user.cadre.town_id == town.pk
        else None,
    }

    def content() -> dict[str, str]:
        page = rankings.limited(
            rankings.ranking_page(
                period=period, population=population, pool=pool, span=span, published_only=published_only
            ),
            only,
        )
        rows = page.rows
        # A published month's category subtotals are part of its public ranking (公开). They are worked
        # out by the engine again (some 0.1 to 0.3 s for a population of 90), so only where the page
        # is then kept (frozen.py): a month not yet published shows its totals.
        categories = (
            rankings.category_subtotals(period, rows)
            if span == periods.Span.MONTH and period.status == PeriodStatus.PUBLISHED
            else []
        )
        full = {
            **context,
            "rows": rows,
            "categories": categories,
            "unscored": page.unscored,
            "excused": page.excused,
            "tie_breaks": [TieBreak(t).label for t in rankings.tie_breaks_of(period, population)],
            "corrections": list(
                period.corrections.filter(status=CorrectionStatus.PUBLISHED).order_by("number")
            ),
        }
        if rows:
            full["distribution"] = charts.distribution(
                [r.score for r in rows], title=_("How many cadres scored in each band")
            )
        if request.htmx:
            return {"table": render_to_string("reports/_ranking_table.html", full)}
        return {"content": render_to_string("reports/_ranking_content.html", full)}

    key = frozen.ranking_key(
        period, population, pool, span, context["span_months"], published_only=published_only
    )
    if key is not None:
        # One viewer's own row is never kept; whether names link to breakdowns is part of the key.
        key = None if only is not None else (*key, ("links", link_everyone))
    if request.htmx:
        return HttpResponse(frozen.fragments(key, "ranking-table", content)["table"])
    context["content"] = frozen.fragments(key, "ranking", content)["content"]
    return render(request, "reports/ranking.html", context)


RANKING_SHEET = spreadsheets.Sheet(
    title=gettext_lazy("Ranking"),
    columns=(
        spreadsheets.Column("rank", gettext_lazy("Rank"), spreadsheets.Number(places=0)),
        spreadsheets.Column("name", gettext_lazy("Name")),
        spreadsheets.Column("group", gettext_lazy("Population")),
        spreadsheets.Column("position", gettext_lazy("Position")),
        spreadsheets.Column("workplace", gettext_lazy("Department or village")),
        spreadsheets.Column("score", gettext_lazy("Score"), spreadsheets.Number(places=2)),
        spreadsheets.Column("months", gettext_lazy("Months counted"), spreadsheets.Number(places=0)),
        spreadsheets.Column("not_ranked", gettext_lazy("Not ranked because")),
        spreadsheets.Column("decided_by", gettext_lazy("Order of equal scores decided by")),
    ),
)


def _cadre_columns(cadre: Cadre) -> dict[str, str]:
    return {
        "name": cadre.name,
        "group": cadre.group_label,
        "position": cadre.position,
        "workplace": str(cadre.workplace or ""),
    }


@login_required
def ranking_export(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town, period = _town_and_period(request, town, month)
    population, pool, span = _ranking_params(request)
    page = rankings.limited(
        rankings.ranking_page(
            period=period,
            population=population,
            pool=pool,
            span=span,
            published_only=not can(request.user, Action.VIEW_RESULTS, town),
        ),
        ranking_limited_to(request.user, town),  # the export shows no more than the page
    )
    data = [
        {
            "rank": r.rank,
            **_cadre_columns(r.cadre),
            "score": r.score,
            "months": r.months,
            "decided_by": r.decided_by_text,
        }
        for r in page.rows
    ]
    # Below the ranked rows, without rank or score: who is left out, and why.
    data += [{**_cadre_columns(u.cadre), "not_ranked": rankings.unscored_text(u)} for u in page.unscored]
    data += [
        {**_cadre_columns(e.cadre), "not_ranked": rankings.excused_text(e, period.month)}
        for e in page.excused
    ]
    label = dict(Population.choices)[population]
    return spreadsheets.xlsx_response(
        spreadsheets.write_rows(RANKING_SHEET, data),
        filename=f"{town.name}-{month}-{label}-{span}.xlsx",
        fallback=f"ranking-{town.slug}-{month}-{population}-{span}.xlsx",
    )


@login_required
def breakdown(request: HttpRequest, town: str, month: str, cadre: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_PUBLISHED_RESULTS)
    period = period_or_404(town_obj, month)
    cadre_obj = cadre_or_404(town_obj, cadre)
    if not _may_see(request, period):
        raise Http404
    if not may_see_breakdown(request.user, town_obj, cadre_obj.pk):
        # The town's setting (accounts.permissions): a cadre reads their own breakdown only.
        raise PermissionDenied(_("Each cadre's line-by-line breakdown is shown to that cadre only."))
    published_only = not can(request.user, Action.VIEW_RESULTS, town_obj)
    base = {"town": town_obj, "period": period, "month": month, "cadre": cadre_obj}
    parts = frozen.fragments(
        frozen.breakdown_key(period, cadre_obj.pk, published_only=published_only),
        "breakdown",
        lambda: _breakdown_fragments(base, published_only=published_only),
    )
    context = {
        **base,
        "frozen": parts,
        "may_correct": bool(parts["result"])
        and period.status == PeriodStatus.PUBLISHED
        and can(request.user, Action.CORRECT_SCORES, town_obj),
    }
    return render(request, "reports/breakdown.html", context)


def _breakdown_fragments(base: dict, *, published_only: bool) -> dict[str, str]:
    """A cadre's month as the breakdown page shows it, rendered without anything of the viewer."""
    period, cadre_obj = base["period"], base["cadre"]
    result = with_basis(
        MonthlyResult.objects.filter(period=period, cadre=cadre_obj).select_related("scheme")
    ).first()
    excusal = (
        None
        if result
        else Excusal.objects.filter(sheet__period=period, cadre=cadre_obj)
        .select_related("created_by")
        .first()
    )
    # Before publication, a cadre with empty cells has no total nor rank yet: an empty cell is never a zero.
    empty_cells = 0
    if result and period.status != PeriodStatus.PUBLISHED:
        sheets = ScoreSheet.objects.filter(period=period, scheme=result.scheme).select_related(
            "period__town", "scheme"
        )
        empty_cells = next((completeness.sheet_gaps(s).missing.get(cadre_obj.pk, 0) for s in sheets), 0)
    categories: OrderedDict[str, list] = OrderedDict()
    lines = breakdown_lines(result) if result else None
    for line in lines or ():
        line["rule_label"] = RuleKind(line["rule"]).label if line["rule"] in RuleKind.values else line["rule"]
        # The score by the standard, out of the indicator's maximum (the share of it the rule gave).
        line["rule_score"] = Decimal(line["fraction"]) * Decimal(line["max"])
        categories.setdefault(line["category"], []).append(line)
    trend = rankings.rank_trend(cadre_obj, published_only=published_only)
    if empty_cells:  # this month's rank is not one yet
        trend = [r for r in trend if r.period_id != period.pk]
    context = {
        **base,
        "result": result,
        "excusal": excusal,
        "empty_cells": empty_cells,
        "categories": categories,
        "lines_unavailable": result is not None and lines is None,
        "trend": trend,
        "corrections": corrections.cadre_corrections(period, cadre_obj.pk),
    }
    if len(trend) > 1:
        context["trend_chart"] = charts.rank_trend(
            [f"{r.period.month:%Y-%m}" for r in trend], [r.rank for r in trend], title=_("Rank")
        )
    if categories:
        context["profile_chart"] = charts.category_profile(
            list(categories),
            [_category_share(lines) for lines in categories.values()],
            title=_("Share of full marks by category (%)"),
        )
    return {
        "top": render_to_string("reports/_breakdown_top.html", context),
        "options": render_to_string("reports/_breakdown_options.html", context),
        "bottom": render_to_string("reports/_breakdown_bottom.html", context),
        "categories": "1" if categories else "",
        "result": "1" if result else "",
        # For the objection panel (appeals' template tag), which then reads no result of its own.
        "result_id": str(result.pk) if result else "",
        "result_total": str(result.total) if result else "",
    }


def _category_share(lines: list[dict]) -> Decimal:
    weight = sum((Decimal(line["weight"]) for line in lines), Decimal(0))
    earned = sum((Decimal(line["fraction"]) * Decimal(line["weight"]) for line in lines), Decimal(0))
    return earned / weight if weight else Decimal(0)


@require_POST
@login_required
def score_correct_view(request: HttpRequest, town: str, month: str, cadre: int) -> HttpResponse:
    """Propose a corrected value for one of the cadre's scores in a published month."""
    town_obj = town_or_404(request, town, Action.CORRECT_SCORES)
    period = period_or_404(town_obj, month)
    cadre_obj = object_in_town_or_404(Cadre.objects.all(), town_obj, pk=cadre)
    sheet = period.sheets.filter(scheme__population=cadre_obj.population).first()
    try:
        indicator_id = int(request.POST.get("indicator", ""))
    except ValueError:
        indicator_id = 0
    if sheet is None:
        raise Http404
    try:
        pending = corrections.score_correct(
            actor=request.user,
            sheet=sheet,
            cadre=cadre_obj,
            indicator_id=indicator_id,
            value=request.POST.get("value", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:breakdown", town_obj.slug, month, cadre_obj.pk)
    if pending is None:
        messages.info(request, _("The corrected score changes no total or rank of the month."))
        return redirect("scoring:breakdown", town_obj.slug, month, cadre_obj.pk)
    messages.success(
        request,
        _(
            "The corrected score is part of the month's pending correction; the published results "
            "stay until it is published."
        ),
    )
    return redirect("results:correction_detail", town_obj.slug, pending.pk)
