"""The secretary's office meeting on a month of records: the compilation with ranks (page, .docx,
PDF), the decision per cadre and the month's archive. In the reports layer: it reads the results."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, object_in_town_or_404, town_or_404
from kaoping.core import documents as house_style
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError
from kaoping.records import selectors as records
from kaoping.records import services as record_services
from kaoping.records.forms import ArchiveForm, DecisionForm
from kaoping.records.models import MonthRecord
from kaoping.records.views import month_or_404

from . import meetings


def _month(town, value: str) -> dt.date:
    """The month of the address, if the town has records in it (else there is nothing to review: 404)."""
    month = month_or_404(value)
    if not MonthRecord.objects.filter(town=town, month=month).exists():
        raise Http404
    return month


@login_required
def month_page(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_RECORDS)
    first = _month(town_obj, month)
    units = meetings.compile_month(town_obj, first)
    record_month = records.record_month(town_obj, first)
    archived = record_month is not None and record_month.is_archived
    today = timezone.localdate()
    return render(
        request,
        "reports/meeting_month.html",
        {
            "town": town_obj,
            "month": first,
            "units": units,
            "record_month": record_month,
            "archived": archived,
            "may_decide": can(request.user, Action.MANAGE_RECORDS, town_obj) and not archived,
            "decision_form": DecisionForm(initial={"decided_on": today}),
            "archive_form": ArchiveForm(initial={"meeting_on": today}),
            "pdf": house_style.soffice() is not None,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_RECORDS)
    record = object_in_town_or_404(MonthRecord.objects.select_related("cadre"), town_obj, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            record_services.decision_record(actor=request.user, record=record, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded for %(cadre)s.") % {"cadre": record.cadre})
    return redirect(f"{_url(town, record.month)}#cadre-{record.cadre_id}")


def _url(town: str, month: dt.date) -> str:
    return reverse("meetings:month", args=[town, f"{month:%Y-%m}"])


@login_required
@require_POST
def archive(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_RECORDS)
    first = _month(town_obj, month)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("meetings:month", town, month)
    try:
        record_services.month_archive(
            actor=request.user,
            town=town_obj,
            month=first,
            meeting_on=form.cleaned_data["meeting_on"],
            confirmed=confirmed(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The month is archived: its records and decisions no longer change."))
    return redirect("meetings:month", town, month)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


@login_required
def month_docx(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_RECORDS)
    first = _month(town_obj, month)
    content = meetings.month_docx(
        town_obj, first, meetings.compile_month(town_obj, first), issued_on=timezone.localdate()
    )
    return _download(
        content,
        meetings.filename(first, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
def month_pdf(request: HttpRequest, town: str, month: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_RECORDS)
    first = _month(town_obj, month)
    try:
        content = house_style.docx_to_pdf(
            meetings.month_docx(
                town_obj, first, meetings.compile_month(town_obj, first), issued_on=timezone.localdate()
            )
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:month", town, month)
    return _download(content, meetings.filename(first, "pdf"), "application/pdf")
