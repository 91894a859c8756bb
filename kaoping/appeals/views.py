"""Objections and reviews: the cadre raises one about their own result and reads the answer; the
assessment office lists them (overdue first) and answers in writing; the office sets the windows."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.accounts.permissions import Action, can, duties_apart_problem, may_read_appeal, town_or_404
from kaoping.audit.versions import page_version
from kaoping.core import subjects
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError

from . import selectors, services
from .forms import ReasonForm, RulesForm
from .models import Appeal, Stage


@login_required
def office_list(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_APPEALS)
    return render(
        request,
        "appeals/list.html",
        {
            "town": town_obj,
            "today": timezone.localdate(),
            "appeals": selectors.with_follow_ups(selectors.office_list(town_obj)),
            "may_set_rules": can(request.user, Action.MANAGE_APPEAL_RULES, town_obj),
        },
    )


@login_required
def my_appeals(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.RAISE_APPEALS)
    return render(
        request,
        "appeals/mine.html",
        {
            "town": town_obj,
            "today": timezone.localdate(),
            "appeals": selectors.with_follow_ups(selectors.for_cadre(town_obj, request.user.cadre_id)),
        },
    )


@login_required
def raise_view(request: HttpRequest, town: str, stage: str, kind: str, subject: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.RAISE_APPEALS)
    if stage not in Stage.values:
        raise Http404
    found = subjects.subject(town_obj, kind, subject)
    if found is None or found.cadre_id != request.user.cadre_id:
        raise Http404  # another cadre's result, or another town's, is not revealed
    rules_obj = services.rules_for(town_obj)
    when = services.windows(found, rules_obj)
    problem = services.raise_problem(
        request.user, found, stage, when, timezone.localdate(), services.taken_stages(kind, found.id)
    )
    form = ReasonForm(request.POST or None, initial={"token": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_raise(
                actor=request.user,
                town=town_obj,
                stage=stage,
                kind=kind,
                subject_id=subject,
                reason=form.cleaned_data["reason"],
                token=form.cleaned_data["token"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Sent. The assessment office answers in writing by %(due)s.")
                % {"due": f"{appeal.due_on:%Y-%m-%d}"},
            )
            return redirect("appeals:detail", town_obj.slug, appeal.pk)
    return render(
        request,
        "appeals/raise.html",
        {
            "town": town_obj,
            "stage": Stage(stage),
            "subject": found,
            "when": when,
            "rules": rules_obj,
            "form": form,
            "problem": problem,
        },
    )


@login_required
def detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_TOWN)
    appeal = get_object_or_404(
        Appeal.objects.select_related("cadre", "raised_by", "answered_by"), town=town_obj, pk=pk
    )
    if not may_read_appeal(request.user, town_obj, cadre_id=appeal.cadre_id):
        raise Http404  # a colleague's objection is theirs alone
    may_answer = appeal.is_open and can(request.user, Action.ANSWER_APPEALS, town_obj)
    problem = ""
    if may_answer:
        if request.user.cadre_id == appeal.cadre_id:
            problem = _("The result is your own: someone else answers.")
        else:
            problem = duties_apart_problem(
                request.user, appeal.raised_by_id, first_step=str(services.RAISED_IT)
            )
    kind = subjects.kind(appeal.kind)
    subject = kind.load(town_obj, [appeal.subject_id]).get(appeal.subject_id) if kind else None
    if request.method == "POST":
        if not may_answer:
            raise Http404
        try:
            services.appeal_answer(
                actor=request.user,
                appeal=appeal,
                change=request.POST.get("decision") == "change",
                answer=request.POST.get("answer", ""),
                based_on=page_version(request, appeal.version),
                data=request.POST,
                confirmed=confirmed(request),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The answer is sent to the cadre."))
        return redirect("appeals:detail", town_obj.slug, appeal.pk)
    selectors.with_follow_ups([appeal])
    context = {
        "town": town_obj,
        "appeal": appeal,
        "subject": subject,
        "kind": kind,
        "today": timezone.localdate(),
        "may_answer": may_answer and not problem,
        "may_list": can(request.user, Action.VIEW_APPEALS, town_obj),
        "problem": problem,
        "consequence": services.answer_consequence(kind),
        "changes_label": appeal.get_status_display() if not appeal.is_open else "",
    }
    if may_answer and not problem and kind is not None and subject is not None:
        context["improvement_template"] = kind.improvement_template
        context.update(kind.improvement_context(subject))
    return render(request, "appeals/detail.html", context)


@login_required
def rules(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_APPEAL_RULES)
    current = services.rules_for(town_obj)
    initial = {
        "publication_days": current.publication_days,
        "answer_days": current.answer_days,
        "review_days": current.review_days,
        "decision_days": current.decision_days,
    }
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_save(
                actor=request.user,
                town=town_obj,
                based_on=page_version(request, current.version),
                **form.cleaned_data,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Saved. The windows of every published result are counted with these rules from now on."),
            )
            return redirect("appeals:rules", town_obj.slug)
    return render(request, "appeals/rules.html", {"town": town_obj, "form": form, "version": current.version})
