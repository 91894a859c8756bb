"""Pay's pages: the year's two plans, a plan with its amounts and workflow, its Excel for the finance
office, and a cadre's own pay."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, duties_apart_problem, own_pay_allowed, town_or_404
from kaoping.audit.versions import page_version
from kaoping.core import confirm
from kaoping.core.errors import DomainError
from kaoping.core.params import int_param
from kaoping.people.models import Cadre

from . import exports, forms, selectors, services
from .models import PlanKind, PlanStatus


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _kind(kind: str) -> str:
    if kind not in PlanKind.values:
        raise Http404
    return kind


@login_required
def overview(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_PAY)
    current = timezone.localdate().year
    asked = int_param(request.GET.get("year"), low=2000, high=2100)
    year = asked or selectors.default_year(town_obj, current)
    return render(
        request,
        "pay/overview.html",
        {
            "town": town_obj,
            "year": year,
            "years": selectors.year_choices(town_obj, year, current),
            "plans": selectors.plans(town_obj, year),
        },
    )


@login_required
def plan(request: HttpRequest, town: str, year: int, kind: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_PAY)
    plan_obj = selectors.plan_of(town_obj, _year(year), _kind(kind))
    manage = can(request.user, Action.MANAGE_PAY, town_obj)
    editable = manage and plan_obj.status == PlanStatus.DRAFT
    form = forms.PlanForm(initial=forms.PlanForm.initial_for(plan_obj), kind=kind) if editable else None
    if request.method == "POST":
        if not manage:
            raise Http404
        form = forms.PlanForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                services.plan_save(
                    actor=request.user,
                    town=town_obj,
                    year=year,
                    kind=kind,
                    values=form.values(),
                    based_on=page_version(request, plan_obj.version) if plan_obj.pk else None,
                )
                messages.success(request, _("The plan is saved. Compute the amounts to apply it."))
                return redirect("pay:plan", town, year, kind)
            except DomainError as exc:
                form.add_error(None, exc.message)
    page = selectors.plan_page(plan_obj)
    approve_problem = (
        duties_apart_problem(request.user, plan_obj.submitted_by_id, first_step=_("submitted this plan"))
        if plan_obj.status == PlanStatus.SUBMITTED
        else ""
    )
    return render(
        request,
        "pay/plan.html",
        {
            "town": town_obj,
            "year": year,
            "plan": plan_obj,
            "page": page,
            "method_text": selectors.method_text(plan_obj),
            "form": form,
            "version": plan_obj.version,
            "manage": manage,
            "approve": can(request.user, Action.APPROVE_PAY, town_obj),
            "approve_problem": approve_problem,
            "return_form": forms.ReturnForm(),
            "statuses": PlanStatus,
        },
    )


def _saved_plan(town_obj, year: int, kind: str):
    plan_obj = selectors.plan_of(town_obj, _year(year), _kind(kind))
    if plan_obj.pk is None:
        raise Http404
    return plan_obj


@login_required
@require_POST
def plan_compute(request: HttpRequest, town: str, year: int, kind: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_PAY)
    plan_obj = _saved_plan(town_obj, year, kind)
    try:
        services.plan_compute(
            actor=request.user, plan=plan_obj, based_on=page_version(request, plan_obj.version)
        )
        messages.success(request, _("The amounts are computed: they add up to the pool exactly."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pay:plan", town, year, kind)


@login_required
@require_POST
def plan_move(request: HttpRequest, town: str, year: int, kind: str, to: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_PAY)
    if to not in PlanStatus.values:
        raise Http404
    needed = Action.MANAGE_PAY if to == PlanStatus.SUBMITTED else Action.APPROVE_PAY
    if not can(request.user, needed, town_obj):
        raise Http404
    plan_obj = _saved_plan(town_obj, year, kind)
    form = forms.ReturnForm(request.POST) if to == PlanStatus.DRAFT else None
    reason = form.cleaned_data["reason"] if form is not None and form.is_valid() else ""
    try:
        services.plan_move(
            actor=request.user,
            plan=plan_obj,
            to=to,
            based_on=page_version(request, plan_obj.version),
            confirmed=confirm.confirmed(request),
            reason=reason,
        )
        done = {
            PlanStatus.SUBMITTED: _("The plan is submitted to the main leader for approval."),
            PlanStatus.APPROVED: _("The plan is approved: its amounts are frozen."),
            PlanStatus.DRAFT: _("The plan is returned to the assessment office."),
        }
        messages.success(request, done[PlanStatus(to)])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pay:plan", town, year, kind)


@login_required
@require_POST
def plan_withdraw(request: HttpRequest, town: str, year: int, kind: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_PAY)
    plan_obj = _saved_plan(town_obj, year, kind)
    try:
        services.plan_withdraw(
            actor=request.user,
            plan=plan_obj,
            based_on=page_version(request, plan_obj.version),
            confirmed=confirm.confirmed(request),
        )
        messages.success(
            request, _("The plan is withdrawn: it is a draft again, to change, compute and submit again.")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("pay:plan", town, year, kind)


@login_required
def plan_export(request: HttpRequest, town: str, year: int, kind: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_PAY)
    plan_obj = _saved_plan(town_obj, year, kind)
    if not plan_obj.computed:
        raise Http404
    page = selectors.plan_page(plan_obj)
    return exports.xlsx_response(page, selectors.method_text(plan_obj))


@login_required
def mine(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_OWN_PAY)
    cadre = Cadre.objects.filter(pk=request.user.cadre_id, town=town_obj).first()
    if cadre is None or not own_pay_allowed(request.user, town_obj, cadre.pk):
        raise Http404
    lines = selectors.own_pay(cadre)
    return render(
        request,
        "pay/mine.html",
        {"town": town_obj, "cadre": cadre, "lines": lines},
    )
