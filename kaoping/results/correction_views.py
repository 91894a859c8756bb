"""Pages of the corrections of published months (更正): the list, one correction, its decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, duties_apart_problem, town_or_404
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError
from kaoping.core.numbers import parse_number

from . import corrections
from .models import Correction, CorrectionStatus


@login_required
def correction_list(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_CORRECTIONS)
    items = (
        Correction.objects.filter(town=town_obj)
        .select_related("period", "decided_by", "caused_by")
        .order_by("status", "-period__month", "-number")
    )
    return render(
        request,
        "results/correction_list.html",
        {
            "town": town_obj,
            "pending": [c for c in items if c.status == CorrectionStatus.PENDING],
            "decided": [c for c in items if c.status != CorrectionStatus.PENDING],
        },
    )


def _correction_or_404(request: HttpRequest, town: str, pk: int) -> tuple:
    """A correction of the town: a pending or declined one for those who see corrections, a
    published one for everyone who sees the town's published results; another town's is a 404."""
    town_obj = town_or_404(request, town, Action.VIEW_PUBLISHED_RESULTS)
    correction = get_object_or_404(
        Correction.objects.select_related("period", "decided_by", "caused_by"), town=town_obj, pk=pk
    )
    if correction.status != CorrectionStatus.PUBLISHED and not can(
        request.user, Action.VIEW_CORRECTIONS, town_obj
    ):
        raise Http404
    return town_obj, correction


@login_required
def correction_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj, correction = _correction_or_404(request, town, pk)
    decide = correction.status == CorrectionStatus.PENDING and can(
        request.user, Action.DECIDE_CORRECTIONS, town_obj
    )
    return render(
        request,
        "results/correction_detail.html",
        {
            "town": town_obj,
            "correction": correction,
            "period": correction.period,
            "month": f"{correction.period.month:%Y-%m}",
            "decide": decide,
            "duties_problem": duties_apart_problem(
                request.user, correction.caused_by_id, first_step=str(corrections.CAUSED_CORRECTION)
            )
            if decide
            else "",
            "consequence": corrections.PUBLISH_CONSEQUENCE,
        },
    )


def _based_on(request: HttpRequest) -> int | None:
    try:
        return int(parse_number(request.POST.get("version", ""), max_digits=9, decimal_places=0))
    except (ValueError, TypeError):
        return -1  # a decision without a readable base is refused as stale


@require_POST
@login_required
def correction_decide(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.DECIDE_CORRECTIONS)
    correction = get_object_or_404(Correction, town=town_obj, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("decision") == "publish":
            correction = corrections.correction_publish(
                actor=request.user,
                correction=correction,
                reason=reason,
                based_on=_based_on(request),
                confirmed=confirmed(request),
            )
            messages.success(request, _("%(correction)s is published.") % {"correction": correction})
        elif request.POST.get("decision") == "decline":
            corrections.correction_decline(
                actor=request.user, correction=correction, reason=reason, based_on=_based_on(request)
            )
            messages.success(
                request, _("The correction is declined; the published results stay as they were.")
            )
        else:
            messages.error(request, _("Choose whether to publish or decline the correction."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("results:correction_detail", town_obj.slug, correction.pk)
