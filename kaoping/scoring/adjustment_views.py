"""Bonuses and deductions of a month: the list, registering an incident shared among cadres
(一岗双责), and the main leader's decision."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, town_or_404
from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.indicators import rules
from kaoping.indicators.models import AdjustmentReason, Scheme
from kaoping.people.models import Cadre
from kaoping.people.selectors import roster

from . import services
from .forms import AdjustmentForm, DecisionForm, ShareRow, cadre_choices
from .models import Adjustment, AdjustmentStatus, Period
from .selectors import period_or_404


def _adjustments(period: Period):
    return (
        Adjustment.objects.filter(period=period)
        .select_related("reason__scheme", "created_by", "decided_by")
        .prefetch_related("shares__cadre")
    )


@dataclass(frozen=True)
class Caps:
    """A scheme's caps on bonuses and deductions, as shown ("—" for none)."""

    population: str
    label: str
    bonus_month: str
    bonus_year: str
    deduction_month: str
    deduction_year: str


def _cap(value: Decimal | None) -> str:
    return "—" if value is None else rules.number(value)


def _schemes(period: Period) -> list[Caps]:
    """The caps of the town's schemes of the month's year (the engine applies those of the cadre's own)."""
    return [
        Caps(
            s.population,
            s.get_population_display(),
            _cap(s.bonus_cap_month),
            _cap(s.bonus_cap_year),
            _cap(s.deduction_cap_month),
            _cap(s.deduction_cap_year),
        )
        for s in Scheme.objects.filter(town_id=period.town_id, year=period.month.year).order_by("population")
    ]


@login_required
def adjustment_list(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_RESULTS)
    period = period_or_404(town_obj, month)
    status = request.GET.get("status", "")
    adjustments = _adjustments(period)
    if status in AdjustmentStatus.values:
        adjustments = adjustments.filter(status=status)
    return render(
        request,
        "scoring/adjustment_list.html",
        {
            "town": town_obj,
            "period": period,
            "month": month,
            "adjustments": adjustments,
            "status": status,
            "statuses": AdjustmentStatus.choices,
            "manage": can(request.user, Action.MANAGE_ADJUSTMENTS, town_obj) and period.is_open,
            "schemes": _schemes(period),
        },
    )


def _cadres(period: Period) -> list[Cadre]:
    """Whom a bonus or deduction of the month can name: the month's roster (`people.selectors.roster`)."""
    in_post = roster(period.town, period.month)
    return list(Cadre.objects.filter(pk__in=in_post.keys()).with_workplace().in_display_order())


@login_required
def adjustment_create_view(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_ADJUSTMENTS)
    period = period_or_404(town_obj, month)
    cadres = _cadres(period)
    if request.htmx and "share_row" in request.GET:  # "add another cadre"
        return render(
            request,
            "scoring/_adjustment_share_row.html",
            {"row": ShareRow(), "cadre_groups": cadre_choices(cadres)},
        )
    reasons = (
        AdjustmentReason.objects.filter(scheme__town=town_obj, scheme__year=period.month.year)
        .select_related("scheme")
        .order_by("scheme__population", "kind", "sort_order", "id")
    )
    form = AdjustmentForm(request.POST or None, reasons=reasons, cadres=cadres)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = services.adjustment_create(
                actor=request.user,
                period=period,
                reason=form.cleaned_data["reason"],
                title=form.cleaned_data["title"],
                evidence=form.cleaned_data["evidence"],
                shares=form.shares,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Registered; it counts once the main leader approves it."))
            return redirect("scoring:adjustment_detail", town_obj.slug, month, adjustment.pk)
    return render(
        request,
        "scoring/adjustment_form.html",
        {
            "town": town_obj,
            "period": period,
            "month": month,
            "form": form,
            "cadre_groups": cadre_choices(cadres),
            "schemes": _schemes(period),
        },
    )


def _decision(adjustment: Adjustment) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(
            action="adjustment.decide",
            object_type=Adjustment._meta.label_lower,
            object_id=str(adjustment.pk),
        )
        .order_by("-id")
        .first()
    )


@login_required
def adjustment_detail(request: HttpRequest, town: str, month: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_RESULTS)
    period = period_or_404(town_obj, month)
    adjustment = get_object_or_404(_adjustments(period), pk=pk)
    return _render_detail(request, town_obj, period, month, adjustment, DecisionForm())


def _render_detail(request, town, period, month, adjustment, form) -> HttpResponse:
    may_decide = can(request.user, Action.APPROVE_ADJUSTMENTS, town)
    schemes = _schemes(period)
    by_population = {s.population: s for s in schemes}
    shares = [(share, by_population.get(share.cadre.population)) for share in adjustment.shares.all()]
    return render(
        request,
        "scoring/adjustment_detail.html",
        {
            "town": town,
            "period": period,
            "month": month,
            "adjustment": adjustment,
            "shares": shares,
            "schemes": schemes,
            "total": sum(share.points for share in adjustment.shares.all()),
            "form": form,
            "decidable": may_decide and adjustment.status == AdjustmentStatus.DRAFT and period.is_open,
            "own": adjustment.created_by_id == request.user.pk,
            "decision": _decision(adjustment) if adjustment.decided_at else None,
        },
    )


@require_POST
@login_required
def adjustment_decide_view(request: HttpRequest, town: str, month: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.APPROVE_ADJUSTMENTS)
    period = period_or_404(town_obj, month)
    adjustment = get_object_or_404(_adjustments(period), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.adjustment_decide(
                actor=request.user, adjustment=adjustment, approve=approve, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Approved: the month's results include it.") if approve else _("Rejected.")
            )
            return redirect("scoring:adjustment_detail", town_obj.slug, month, adjustment.pk)
    return _render_detail(request, town_obj, period, month, adjustment, form)
