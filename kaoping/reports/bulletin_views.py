"""Supervision bulletins: the archive, composing, review, publication and the documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import (
    Action,
    can,
    duties_apart_problem,
    object_in_town_or_404,
    town_or_404,
)
from kaoping.core import documents as house_style
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError
from kaoping.core.params import int_param, text_param
from kaoping.supervision import documents, selectors, services
from kaoping.supervision.models import Bulletin, BulletinStatus, Item

from . import highlights
from .forms import BulletinForm


def _bulletin_or_404(request, town_obj, pk: int) -> Bulletin:
    bulletin = object_in_town_or_404(Bulletin.objects.select_related("town"), town_obj, pk=pk)
    # Drafts are the office's and the reviewer's; everyone of the town reads published ones.
    if not bulletin.is_published and not (
        can(request.user, Action.VIEW_SUPERVISION, town_obj)
        or can(request.user, Action.REVIEW_BULLETINS, town_obj)
    ):
        raise Http404
    return bulletin


@login_required
def archive(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_BULLETINS)
    query = text_param(request.GET.get("q"))
    year = request.GET.get("year", "")
    drafts = None
    if can(request.user, Action.VIEW_SUPERVISION, town_obj) or can(
        request.user, Action.REVIEW_BULLETINS, town_obj
    ):
        drafts = (
            Bulletin.objects.filter(town=town_obj).exclude(status=BulletinStatus.PUBLISHED).order_by("-pk")
        )
    return render(
        request,
        "reports/bulletin_archive.html",
        {
            "town": town_obj,
            "bulletins": selectors.archive(town_obj, query, int_param(year, low=2000, high=2100)),
            "query": query,
            "year": year,
            "drafts": drafts,
            "compose": can(request.user, Action.COMPOSE_BULLETINS, town_obj),
        },
    )


@login_required
def bulletin_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_BULLETINS)
    bulletin = _bulletin_or_404(request, town_obj, pk)
    compose = can(request.user, Action.COMPOSE_BULLETINS, town_obj)
    review = can(request.user, Action.REVIEW_BULLETINS, town_obj)
    why_not_review = ""
    if review and bulletin.status == BulletinStatus.IN_REVIEW:
        why_not_review = duties_apart_problem(
            request.user, bulletin.sent_by_id, first_step=str(services.SENT_BULLETIN)
        )
    return render(
        request,
        "reports/bulletin_detail.html",
        {
            "town": town_obj,
            "bulletin": bulletin,
            "compose": compose,
            "review": review and not why_not_review,
            "why_not_review": why_not_review,
            "publish_consequence": services.PUBLISH_CONSEQUENCE,
            "paragraphs": [p.strip() for p in bulletin.body.split("\n\n") if p.strip()],
            "items": bulletin.items.all(),
            "pdf": house_style.soffice() is not None,
        },
    )


def _draft(town_obj, data: dict, today) -> str:
    """The first draft of a bulletin's text from the month and the items chosen in the form."""
    items = [i.pk for i in data.get("items") or []]
    chosen = list(
        Item.objects.filter(town=town_obj, pk__in=items)
        .select_related("department")
        .prefetch_related("owners__cadre")
        .order_by("deadline", "pk")
    )
    month = data.get("results_month")
    paragraphs = []
    if month is not None:
        paragraphs = highlights.highlights_paragraphs(
            highlights.ranking_highlights(month, data.get("highlights_count") or highlights.DEFAULT_COUNT)
        )
    if not chosen and not paragraphs:
        return ""
    return selectors.draft_text(chosen, today, highlights=paragraphs, month_label=_month_label(month))


def _month_label(period) -> str:
    return f"{period.month.year}年{period.month.month}月" if period is not None else ""


@login_required
def bulletin_edit(request: HttpRequest, town: str, pk: int | None = None) -> HttpResponse:
    """Compose or edit a draft. "Write the draft" fills the text from the chosen month's ranking
    highlights and the chosen items without saving, so that the office edits it before saving."""
    town_obj = town_or_404(request, town, Action.COMPOSE_BULLETINS)
    bulletin = _bulletin_or_404(request, town_obj, pk) if pk else None
    today = timezone.localdate()
    initial = {"issuer": f"{town_obj.name}督查办公室", "period_label": f"{today:%Y}年{today.month}月"}
    form = BulletinForm(request.POST or None, instance=bulletin, town=town_obj, initial=initial)
    if request.method == "POST" and "draft" in request.POST:
        form.is_valid()  # only the month and the items are needed here; the rest is checked on saving
        data = form.cleaned_data
        values = {name: request.POST.get(name, "") for name in form.fields if name != "items"}
        values["items"] = request.POST.getlist("items")
        draft = _draft(town_obj, data, today)
        if draft:
            values["body"] = draft
        else:
            messages.info(request, _("Choose a published month or some items to write the draft from."))
        if data.get("results_month") is not None:
            values["period_label"] = _month_label(data["results_month"])
        form = BulletinForm(instance=bulletin, town=town_obj, initial=values)  # initial wins over instance
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {k: v for k, v in data.items() if k in services.BULLETIN_FIELDS}
        items = list(data["items"])
        if not values["body"].strip():
            values["body"] = _draft(town_obj, data, today)
        try:
            posted = request.POST.get("version", "")
            bulletin = services.bulletin_save(
                actor=request.user,
                town=town_obj,
                values=values,
                items=items,
                bulletin=bulletin,
                version=int(posted) if posted.isdigit() and len(posted) < 10 else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The bulletin is saved."))
            return redirect("supervision:bulletin_detail", town, bulletin.pk)
    # The version the page was first loaded with travels with every post, so that a save made after
    # someone else's change is refused until the page is reloaded.
    version = (
        request.POST.get("version", "")
        if request.method == "POST"
        else (bulletin.version if bulletin else "")
    )
    return render(
        request,
        "reports/bulletin_form.html",
        {"town": town_obj, "form": form, "bulletin": bulletin, "version": version},
    )


@login_required
@require_POST
def bulletin_move(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_BULLETINS)
    bulletin = _bulletin_or_404(request, town_obj, pk)
    try:
        services.bulletin_move(
            actor=request.user,
            bulletin=bulletin,
            to=request.POST.get("to", ""),
            note=text_param(request.POST.get("note"), max_length=2000, multiline=True),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:bulletin_detail", town, pk)


@login_required
@require_POST
def bulletin_publish(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.COMPOSE_BULLETINS)
    bulletin = _bulletin_or_404(request, town_obj, pk)
    try:
        bulletin = services.bulletin_publish(
            actor=request.user, bulletin=bulletin, confirmed=confirmed(request)
        )
        messages.success(request, _("Published as %(number)s.") % {"number": bulletin.number_label})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:bulletin_detail", town, pk)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


@login_required
def bulletin_docx(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_BULLETINS)
    bulletin = _bulletin_or_404(request, town_obj, pk)
    return _download(
        documents.bulletin_docx(bulletin),
        documents.filename(bulletin, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
def bulletin_pdf(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_BULLETINS)
    bulletin = _bulletin_or_404(request, town_obj, pk)
    try:
        content = house_style.docx_to_pdf(documents.bulletin_docx(bulletin))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:bulletin_detail", town, pk)
    return _download(content, documents.filename(bulletin, "pdf"), "application/pdf")
