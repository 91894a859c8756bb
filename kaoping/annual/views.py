"""The annual evaluation's pages: the year's pools against their quotas, a pool's proposal, a cadre's
annual breakdown, the settings, the cases, the honours, and the pool's grades as Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import (
    Action,
    annual_allowed,
    can,
    duties_apart_problem,
    may_read_appeal,
    object_in_town_or_404,
    town_or_404,
)
from kaoping.appeals import selectors as appeal_selectors
from kaoping.appeals import services as appeal_services
from kaoping.appeals.models import AppealStatus, Stage
from kaoping.audit.models import AuditEntry
from kaoping.audit.versions import page_version
from kaoping.core import spreadsheets
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError
from kaoping.core.params import int_param
from kaoping.people.models import Cadre

from . import forms, kind, publication, scores, selectors, services
from .models import AnnualCase, AnnualResult, PoolProposal, YearSettings


def _publication_context(request: HttpRequest, town, year: int, *, problems: bool = True) -> dict:
    """The year's publication for the office's pages: its state, what stands in the way of publishing
    it (`problems`: on the overview only, where the pools are read anyway), and who may publish and
    confirm."""
    state = publication.state(town, year)
    may_publish = can(request.user, Action.PUBLISH_ANNUAL, town) and problems
    return {
        "publication": state,
        "may_publish": may_publish and not state.published,
        "publish_problems": publication.publish_problems(town, year)
        if may_publish and not state.published
        else [],
        "may_confirm": can(request.user, Action.CONFIRM_ANNUAL, town)
        and state.published
        and not state.confirmed,
        "publish_consequence": publication.PUBLISH_CONSEQUENCE,
        "confirm_consequence": publication.CONFIRM_CONSEQUENCE,
        "may_list_appeals": can(request.user, Action.VIEW_APPEALS, town),
    }


@login_required
@require_POST
def publish(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.PUBLISH_ANNUAL)
    year = _year(year)
    try:
        done = publication.publish(actor=request.user, town=town_obj, year=year, confirmed=confirmed(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        when = publication.windows_of(done, appeal_services.rules_for(town_obj))
        messages.success(
            request,
            _("The grades of %(year)d are published: objections can be raised until %(day)s.")
            % {"year": year, "day": f"{when.objections_until:%Y-%m-%d}"},
        )
    return redirect(reverse("annual:overview", args=[town]) + f"?year={year}")


@login_required
@require_POST
def confirm(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.CONFIRM_ANNUAL)
    year = _year(year)
    current = publication.state(town_obj, year).publication
    try:
        publication.confirm(
            actor=request.user,
            town=town_obj,
            year=year,
            based_on=page_version(request, current.version) if current else None,
            confirmed=confirmed(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The grades of %(year)d are confirmed.") % {"year": year})
    return redirect(reverse("annual:overview", args=[town]) + f"?year={year}")


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _pool(settings: YearSettings, pool: str) -> str:
    if pool not in scores.graded_pools(settings):
        raise Http404
    return pool


def _default_year(town) -> int:
    years = selectors.year_choices(town, timezone.localdate().year)
    return years[0]


@login_required
def overview(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = int_param(request.GET.get("year"), low=2000, high=2100) or _default_year(town_obj)
    settings, defaults = scores.year_settings(town_obj, year)
    progress = selectors.progress(town_obj, year)
    return render(
        request,
        "annual/overview.html",
        {
            "town": town_obj,
            "year": year,
            "years": selectors.year_choices(town_obj, year),
            "settings": settings,
            "defaults": defaults,
            "progress": progress,
            "pools": selectors.overview(town_obj, year, settings, progress.months),
            "formula": scores.formula_text(settings),
            "rules": scores.rules_text(settings),
            "manage": can(request.user, Action.MANAGE_ANNUAL, town_obj),
            **_publication_context(request, town_obj, year),
        },
    )


@login_required
def settings_edit(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = _year(year)
    settings, defaults = scores.year_settings(town_obj, year)
    manage = can(request.user, Action.MANAGE_ANNUAL, town_obj)
    form = forms.SettingsForm(initial=forms.SettingsForm.initial_for(settings)) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("You are not allowed to do this."))
        form = forms.SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.settings_save(
                    actor=request.user,
                    town=town_obj,
                    year=year,
                    values=form.values(),
                    based_on=page_version(request, settings.version) if not defaults else None,
                )
                messages.success(request, _("The year's settings are saved."))
                return redirect("annual:settings", town, year)
            except DomainError as exc:
                form.add_error(None, exc.message)
    approve_problem = ""
    if settings.share_needs_approval and not settings.share_approved:
        approve_problem = duties_apart_problem(
            request.user, settings.share_set_by_id, first_step=_("set this share")
        )
    return render(
        request,
        "annual/settings.html",
        {
            "town": town_obj,
            "year": year,
            "settings": settings,
            "defaults": defaults,
            "form": form,
            "version": settings.version,
            "formula": scores.formula_text(settings),
            "rules": scores.rules_text(settings),
            "approve": can(request.user, Action.APPROVE_ANNUAL_SHARE, town_obj),
            "approve_problem": approve_problem,
        },
    )


@login_required
@require_POST
def share_approve(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.APPROVE_ANNUAL_SHARE)
    settings = get_object_or_404(YearSettings, town=town_obj, year=_year(year))
    try:
        services.share_approve(
            actor=request.user, settings=settings, based_on=page_version(request, settings.version)
        )
        messages.success(request, _("The share is approved: compute the pools again to apply it."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("annual:settings", town, year)


@login_required
def pool(request: HttpRequest, town: str, year: int, pool: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = _year(year)
    settings, _defaults = scores.year_settings(town_obj, year)
    pool = _pool(settings, pool)
    progress = selectors.progress(town_obj, year)
    summary = next(s for s in selectors.overview(town_obj, year, settings, progress.months) if s.key == pool)
    rows = selectors.pool_rows(town_obj, year, pool)
    names = {r.result.cadre_id: r.cadre.name for r in rows}
    published = _publication_context(request, town_obj, year, problems=False)
    if published["publication"].published and can(request.user, Action.VIEW_APPEALS, town_obj):
        raised = appeal_selectors.for_subjects(kind.KEY, [r.result.pk for r in rows])
        for row in rows:
            row.appeals = raised.get(row.result.pk, [])
    return render(
        request,
        "annual/pool.html",
        {
            "town": town_obj,
            "year": year,
            "pool": summary,
            "progress": progress,
            "rows": rows,
            "boundary": selectors.boundary_text(summary.proposal, names) if summary.proposal else "",
            "rules": scores.rules_text(settings),
            "formula": scores.formula_text(settings),
            "manage": can(request.user, Action.MANAGE_ANNUAL, town_obj),
            **published,
        },
    )


@login_required
@require_POST
def pool_compute(request: HttpRequest, town: str, year: int, pool: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_ANNUAL)
    year = _year(year)
    settings, _defaults = scores.year_settings(town_obj, year)
    pool = _pool(settings, pool)
    try:
        proposal = services.pool_compute(actor=request.user, town=town_obj, year=year, pool=pool)
        messages.success(
            request,
            _(
                "The proposal is computed from %(months)d published months: "
                "%(quota)d 优秀 places in a pool of %(size)d."
            )
            % {"months": len(proposal.months), "quota": proposal.quota, "size": proposal.pool_size},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("annual:pool", town, year, pool)


GRADES_SHEET = spreadsheets.Sheet(
    title=gettext_lazy("Annual grades"),
    columns=(
        spreadsheets.Column("rank", gettext_lazy("Rank"), spreadsheets.Number(places=0)),
        spreadsheets.Column("name", gettext_lazy("Name")),
        spreadsheets.Column("position", gettext_lazy("Position")),
        spreadsheets.Column("workplace", gettext_lazy("Department or village")),
        spreadsheets.Column("score", gettext_lazy("Annual score"), spreadsheets.Number(places=2)),
        spreadsheets.Column("months", gettext_lazy("Months counted"), spreadsheets.Number(places=0)),
        spreadsheets.Column("proposed", gettext_lazy("Proposed grade")),
        spreadsheets.Column("grade", gettext_lazy("Grade")),
        spreadsheets.Column("why", gettext_lazy("Why")),
        spreadsheets.Column("change_reason", gettext_lazy("Reason for the change")),
    ),
)


@login_required
def pool_export(request: HttpRequest, town: str, year: int, pool: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = _year(year)
    settings, _defaults = scores.year_settings(town_obj, year)
    pool = _pool(settings, pool)
    rows = selectors.pool_rows(town_obj, year, pool)
    data = [
        {
            "rank": r.result.rank,
            "name": r.cadre.name,
            "position": r.cadre.position,
            "workplace": str(r.cadre.workplace or ""),
            "score": r.result.score,
            "months": len(r.result.months),
            "proposed": r.result.proposed_grade,
            "grade": r.result.grade,
            "why": r.why,
            "change_reason": r.result.change_reason,
        }
        for r in rows
    ]
    return spreadsheets.xlsx_response(
        spreadsheets.write_rows(GRADES_SHEET, data),
        filename=f"{town_obj.name}-{year}-{scores.pool_label(pool)}.xlsx",
        fallback=f"grades-{town_obj.slug}-{year}-{pool}.xlsx",
    )


def _history(result: AnnualResult) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=AnnualResult._meta.label_lower,
            object_id=str(result.pk),
            action="annual_result.change",
        )
        .select_related("actor")
        .order_by("-id")
    )


@login_required
def cadre_year(request: HttpRequest, town: str, year: int, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_TOWN)
    year = _year(year)
    cadre = object_in_town_or_404(Cadre.objects.select_related("department", "village"), town_obj, pk=pk)
    if not annual_allowed(request.user, town_obj, cadre.pk):
        raise PermissionDenied(_("You are not allowed to do this."))
    settings, _defaults = scores.year_settings(town_obj, year)
    result = AnnualResult.objects.filter(town=town_obj, year=year, cadre=cadre).first()
    case = AnnualCase.objects.filter(town=town_obj, year=year, cadre=cadre).first()
    state = publication.state(town_obj, year)
    manage = can(request.user, Action.MANAGE_ANNUAL, town_obj) and not state.published
    form = None
    if result is not None and manage:
        form = forms.GradeForm(scale=result.scale, initial={"level": result.level})
        if request.method == "POST":
            form = forms.GradeForm(request.POST, scale=result.scale)
            if form.is_valid():
                try:
                    services.grade_change(
                        actor=request.user,
                        result=result,
                        level=form.cleaned_data["level"],
                        reason=form.cleaned_data["reason"],
                        based_on=page_version(request, result.version),
                    )
                    messages.success(request, _("The grade is changed; the change and its reason are kept."))
                    return redirect("annual:cadre", town, year, cadre.pk)
                except DomainError as exc:
                    form.add_error(None, exc.message)
    elif request.method == "POST":
        raise PermissionDenied(_("You are not allowed to do this."))
    names = {}
    if result is not None and (result.why or {}).get("decided_by"):
        above = result.why["decided_by"]["above_key"]
        names = dict(Cadre.objects.filter(pk=above, town=town_obj).values_list("pk", "name"))
    proposal = (
        PoolProposal.objects.filter(town=town_obj, year=year, pool=result.pool).first() if result else None
    )
    return render(
        request,
        "annual/cadre.html",
        {
            "town": town_obj,
            "year": year,
            "cadre": cadre,
            "result": result,
            "case": case,
            "proposal": proposal,
            "why": selectors.why_text(result, names, case) if result else "",
            "formula": scores.formula_text(settings),
            "pool_label": scores.pool_label(result.pool) if result else "",
            "history": _history(result)
            if result and (manage or can(request.user, Action.VIEW_ANNUAL, town_obj))
            else [],
            "years": selectors.cadre_years(cadre),
            "form": form,
            "manage": manage,
            "view_all": can(request.user, Action.VIEW_ANNUAL, town_obj),
            **_appeals_context(request, town_obj, result, state),
        },
    )


def _appeals_context(request: HttpRequest, town, result: AnnualResult | None, state) -> dict:
    """The year's publication on a cadre's page: the window, the objection or review the cadre may
    raise about their grade, and those raised (two queries once published)."""
    subject = kind.subject_of(result, town, state.publication) if result is not None else None
    context = {"publication": state, "subject": subject}
    if subject is None:
        return context
    when = state.windows
    readable = may_read_appeal(request.user, town, cadre_id=subject.cadre_id)
    raised = appeal_selectors.for_subject(kind.KEY, subject.id) if readable else []
    taken = {a.stage for a in raised if a.status == AppealStatus.OPEN or a.stage == Stage.REVIEW}
    own = request.user.cadre_id == subject.cadre_id and can(request.user, Action.RAISE_APPEALS, town)
    today = state.today
    context.update(
        {
            "when": when,
            "appeals": raised,
            "kind_key": kind.KEY,
            "may_object": own
            and not appeal_services.raise_problem(request.user, subject, Stage.OBJECTION, when, today, taken),
            "may_review": own
            and not appeal_services.raise_problem(request.user, subject, Stage.REVIEW, when, today, taken),
        }
    )
    return context


@login_required
def mine(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_OWN_ANNUAL)
    if request.user.cadre_id is None:
        raise Http404
    year = int_param(request.GET.get("year"), low=2000, high=2100) or _default_year(town_obj)
    return redirect("annual:cadre", town, year, request.user.cadre_id)


@login_required
def cases(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = _year(year)
    manage = can(request.user, Action.MANAGE_ANNUAL, town_obj)
    form = forms.CaseForm(town=town_obj) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("You are not allowed to do this."))
        form = forms.CaseForm(request.POST, town=town_obj)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_save(
                    actor=request.user,
                    town=town_obj,
                    year=year,
                    cadre=data["cadre"],
                    kind=data["kind"],
                    reason=data["reason"],
                    detail=data["detail"],
                    veto_level=data["veto_level"],
                )
                messages.success(request, _("The case is recorded."))
                return redirect("annual:cases", town, year)
            except DomainError as exc:
                form.add_error(None, exc.message)
    listed = (
        AnnualCase.objects.filter(town=town_obj, year=year)
        .with_result_scale()
        .select_related("cadre", "created_by")
    )
    return render(
        request,
        "annual/cases.html",
        {"town": town_obj, "year": year, "cases": listed, "form": form, "manage": manage},
    )


@login_required
@require_POST
def case_remove(request: HttpRequest, town: str, year: int, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_ANNUAL)
    case = object_in_town_or_404(
        AnnualCase.objects.select_related("cadre", "town"), town_obj, pk=pk, year=_year(year)
    )
    try:
        services.case_remove(actor=request.user, case=case)
        messages.success(request, _("The case is removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("annual:cases", town, year)


@login_required
def honours(request: HttpRequest, town: str, year: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_ANNUAL)
    year = _year(year)
    settings, _defaults = scores.year_settings(town_obj, year)
    return render(
        request,
        "annual/honours.html",
        {"town": town_obj, "year": year, "honours": selectors.honours(town_obj, year, settings)},
    )
