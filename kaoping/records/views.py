"""The monthly records: a leader's cadres and their records, the office's completeness, a cadre's own."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import (
    Action,
    can,
    may_fill_record,
    may_read_record,
    object_in_town_or_404,
    town_or_404,
)
from kaoping.audit.versions import page_version
from kaoping.core.errors import DomainError
from kaoping.core.params import int_param
from kaoping.people.models import Cadre

from . import selectors, services
from .forms import AreaForm, RecordForm, ReturnForm, SettingsForm
from .models import Heading, LeaderArea, MonthRecord, RecordStatus


def month_param(value: str | None, today: dt.date) -> dt.date:
    """`?month=2026-05` as the month's first day; anything else is the current month."""
    if value and len(value) == 7 and value[4] == "-":
        year = int_param(value[:4], low=2000, high=2100)
        month = int_param(value[5:], low=1, high=12)
        if year and month:
            return dt.date(year, month, 1)
    return today.replace(day=1)


def month_or_404(value: str) -> dt.date:
    """The month of an address ("2026-05"), or 404."""
    if len(value) == 7 and value[4] == "-":
        year = int_param(value[:4], low=2000, high=2100)
        month = int_param(value[5:], low=1, high=12)
        if year and month:
            return dt.date(year, month, 1)
    raise Http404


def _months_around(month: dt.date, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return previous, following if following <= today.replace(day=1) else None


@login_required
def home(request: HttpRequest, town: str) -> HttpResponse:
    """The office and readers land on the month's completeness, a cadre on what they fill or read."""
    town_obj = town_or_404(request, town, Action.VIEW_TOWN)
    if can(request.user, Action.VIEW_RECORDS, town_obj):
        return redirect("records:completeness", town)
    if can(request.user, Action.FILL_RECORDS, town_obj):
        if LeaderArea.objects.filter(town=town_obj, leader_id=request.user.cadre_id).exists():
            return redirect("records:mine", town)
        return redirect("records:own", town)
    raise PermissionDenied


@login_required
def mine(request: HttpRequest, town: str) -> HttpResponse:
    """A leader in charge: the cadres of their area in a month, each with their record's state."""
    town_obj = town_or_404(request, town, Action.FILL_RECORDS)
    today = timezone.localdate()
    month = month_param(request.GET.get("month"), today)
    rows = selectors.month_rows(town_obj, month, leader_id=request.user.cadre_id)
    previous, following = _months_around(month, today)
    return render(
        request,
        "records/mine.html",
        {
            "town": town_obj,
            "month": month,
            "rows": rows,
            "due_on": selectors.due_on(town_obj, month),
            "archived": selectors.is_archived(town_obj, month),
            "returned": selectors.returned_records(request.user, town_obj),
            "previous": previous,
            "following": following,
            "today": today,
        },
    )


@login_required
def record_edit(request: HttpRequest, town: str, cadre: int, month: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.FILL_RECORDS)
    cadre_obj = object_in_town_or_404(Cadre.objects.all(), town_obj, pk=cadre)
    first = month_or_404(month)
    leader_id = selectors.area_cadres(town_obj, first).get(cadre_obj.pk)
    if leader_id is None or not may_fill_record(request.user, town_obj, leader_id=leader_id):
        raise Http404
    record = MonthRecord.objects.filter(cadre=cadre_obj, month=first).first()
    if record is not None:
        record = selectors.record_detail(record)
    attachments = {h: files for h, _label, _entry, files in getattr(record, "answers", [])}
    version = page_version(request, record.version if record else 0)
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES, attachments=attachments)
        if form.is_valid():
            answers = {
                h: services.Answer(
                    text=form.cleaned_data[f"text_{h}"],
                    nothing_notable=form.cleaned_data[f"none_{h}"],
                    uploads=form.cleaned_data[f"files_{h}"],
                    remove=[int(pk) for pk in form.cleaned_data[f"remove_{h}"]],
                )
                for h in Heading.values
            }
            submit = request.POST.get("submit") == "1"
            try:
                saved = services.record_save(
                    actor=request.user,
                    town=town_obj,
                    cadre=cadre_obj,
                    month=first,
                    answers=answers,
                    based_on=version,
                    submit=submit,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if submit:
                    if saved.is_late:
                        messages.warning(
                            request, _("Submitted after the deadline: the record is marked late.")
                        )
                    else:
                        messages.success(request, _("Submitted: the record is locked."))
                    return redirect(reverse("records:mine", args=[town]) + f"?month={first:%Y-%m}")
                messages.success(request, _("Draft saved."))
                return redirect("records:record_edit", town, cadre_obj.pk, month)
    else:
        initial = {}
        for h, _label, entry, _files in getattr(record, "answers", []):
            if entry is not None:
                initial[f"text_{h}"] = entry.text
                initial[f"none_{h}"] = entry.nothing_notable
        form = RecordForm(initial=initial, attachments=attachments)
    return render(
        request,
        "records/record_edit.html",
        {
            "town": town_obj,
            "cadre": cadre_obj,
            "month": first,
            "record": record,
            "form": form,
            "version": version,
            "attachments": attachments,
            "locked": record is not None and record.is_locked,
            "archived": selectors.is_archived(town_obj, first),
            "due_on": selectors.due_on(town_obj, first),
            "upload_limit_mb": settings.KAOPING_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
def record_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_TOWN)
    record = object_in_town_or_404(MonthRecord.objects.all(), town_obj, pk=pk)
    if not may_read_record(request.user, town_obj, cadre_id=record.cadre_id, leader_id=record.leader_id):
        raise Http404
    record = selectors.record_detail(record)
    archived = selectors.is_archived(town_obj, record.month)
    return render(
        request,
        "records/record_detail.html",
        {
            "town": town_obj,
            "record": record,
            "archived": archived,
            "may_return": can(request.user, Action.MANAGE_RECORDS, town_obj)
            and record.status == RecordStatus.SUBMITTED
            and not archived,
            "may_edit": may_fill_record(request.user, town_obj, leader_id=record.leader_id)
            and not record.is_locked
            and not archived,
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def record_return(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_RECORDS)
    record = object_in_town_or_404(MonthRecord.objects.all(), town_obj, pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("records:record_detail", town, pk)
    try:
        services.record_return(
            actor=request.user,
            record=record,
            reason=form.cleaned_data["reason"],
            based_on=page_version(request, record.version),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Returned to %(leader)s with your reason.") % {"leader": record.leader})
    return redirect("records:record_detail", town, pk)


@login_required
def completeness(request: HttpRequest, town: str) -> HttpResponse:
    """The month per leader in charge: submitted, late, missing; each cadre's record."""
    town_obj = town_or_404(request, town, Action.VIEW_RECORDS)
    today = timezone.localdate()
    month = month_param(request.GET.get("month"), today)
    leaders = selectors.completeness(town_obj, month)
    previous, following = _months_around(month, today)
    return render(
        request,
        "records/completeness.html",
        {
            "town": town_obj,
            "month": month,
            "leaders": leaders,
            "totals": {
                "submitted": sum(c.submitted for c in leaders),
                "late": sum(c.late for c in leaders),
                "missing": sum(c.missing for c in leaders),
            },
            "due_on": selectors.due_on(town_obj, month),
            "record_month": selectors.record_month(town_obj, month),
            "previous": previous,
            "following": following,
            "may_manage": can(request.user, Action.MANAGE_RECORDS, town_obj),
        },
    )


@login_required
def own(request: HttpRequest, town: str) -> HttpResponse:
    """A cadre's own records, newest first, and the exemplary marks they received."""
    town_obj = town_or_404(request, town, Action.VIEW_OWN_RECORDS)
    cadre_id = request.user.cadre_id
    records = selectors.records_for_cadre([cadre_id]).get(cadre_id, [])
    return render(
        request,
        "records/own.html",
        {
            "town": town_obj,
            "records": records,
            "exemplary": selectors.exemplary_for_cadre([cadre_id]).get(cadre_id, []),
        },
    )


@login_required
def exemplary(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_RECORDS)
    today = timezone.localdate()
    year = int_param(request.GET.get("year"), low=2000, high=2100, default=today.year) or today.year
    years = selectors.years_with_records(town_obj) or [today.year]
    return render(
        request,
        "records/exemplary.html",
        {"town": town_obj, "year": year, "years": years, "cases": selectors.exemplary_cases(town_obj, year)},
    )


@login_required
def setup(request: HttpRequest, town: str) -> HttpResponse:
    """The office's settings: the deadline, and who is in charge of which department and village."""
    town_obj = town_or_404(request, town, Action.MANAGE_RECORDS)
    current = selectors.settings_for(town_obj)
    version = page_version(request, current.version if current.pk else 0)
    settings_form = SettingsForm(
        initial={
            "deadline_day": current.deadline_day,
            "weekend_moves_to_monday": current.weekend_moves_to_monday,
        }
    )
    area_form = AreaForm(town=town_obj, initial={"starts_on": timezone.localdate().replace(day=1)})
    if request.method == "POST" and request.POST.get("form") == "settings":
        settings_form = SettingsForm(request.POST)
        if settings_form.is_valid():
            try:
                services.settings_save(
                    actor=request.user, town=town_obj, based_on=version, **settings_form.cleaned_data
                )
            except DomainError as exc:
                settings_form.add_error(None, exc.message)
            else:
                messages.success(request, _("The deadline is saved."))
                return redirect("records:setup", town)
    elif request.method == "POST" and request.POST.get("form") == "area":
        area_form = AreaForm(request.POST, town=town_obj)
        if area_form.is_valid():
            try:
                services.area_assign(
                    actor=request.user,
                    town=town_obj,
                    leader=area_form.cleaned_data["leader"],
                    unit=area_form.cleaned_data["unit"],
                    starts_on=area_form.cleaned_data["starts_on"],
                )
            except DomainError as exc:
                area_form.add_error(None, exc.message)
            else:
                messages.success(request, _("The assignment is saved."))
                return redirect("records:setup", town)
    areas = list(
        LeaderArea.objects.filter(town=town_obj)
        .select_related("leader", "department", "village")
        .order_by("leader__name", "-starts_on", "id")
    )
    return render(
        request,
        "records/setup.html",
        {
            "town": town_obj,
            "settings_form": settings_form,
            "area_form": area_form,
            "version": version,
            "areas": areas,
            "today": timezone.localdate(),
            "next_due": selectors.due_on(town_obj, timezone.localdate().replace(day=1), current),
        },
    )


@login_required
@require_POST
def area_end(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_RECORDS)
    area = object_in_town_or_404(LeaderArea.objects.all(), town_obj, pk=pk)
    try:
        services.area_end(actor=request.user, area=area, ends_on=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assignment ends today."))
    return redirect("records:setup", town)
