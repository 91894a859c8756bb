from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import (
    Action,
    can,
    duties_apart_problem,
    object_in_town_or_404,
    require,
    town_or_404,
)
from kaoping.audit.versions import page_version
from kaoping.core import documents as house_style
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError
from kaoping.core.params import id_param

from . import documents, forms, rules, selectors, services
from .models import (
    LaggingEntry,
    ListStatus,
    Meeting,
    ProgressNote,
    Rectification,
    RectificationStatus,
    Report,
    SiteVisit,
)


def _meeting(request, town_obj, pk: int) -> Meeting:
    return object_in_town_or_404(Meeting.objects.select_related("town", "evaluation_round"), town_obj, pk=pk)


def _shows_list(request, town_obj, meeting: Meeting) -> bool:
    """A draft list is the assessment office's; a final one is the town's."""
    return meeting.lagging_list.status == ListStatus.FINAL or can(
        request.user, Action.MANAGE_QUARTERLY, town_obj
    )


@login_required
def meeting_list(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_QUARTERLY)
    meetings = Meeting.objects.filter(town=town_obj).select_related("lagging_list", "evaluation_round")
    return render(
        request,
        "quarterly/meeting_list.html",
        {
            "town": town_obj,
            "meetings": meetings,
            "manage": can(request.user, Action.MANAGE_QUARTERLY, town_obj),
            "overdue": len(selectors.overdue_rectifications(town_obj, timezone.localdate())),
            "open": len(selectors.open_rectifications(town_obj)),
        },
    )


@login_required
def rule_list(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_QUARTERLY)
    town_rules, defaults = rules.town_rules(town_obj)
    edit_id = request.GET.get("edit", "")
    rule, form = None, None
    if edit_id == "new":
        form = forms.RuleForm(initial={"missing": "not_bottom", "months": 2, "active": True})
    elif edit_id:
        rule = next((r for r in town_rules if f"{r.population}:{r.pool}" == edit_id), None)
        if rule is None:
            raise Http404
    if request.method == "POST":
        key = request.POST.get("rule", "")
        rule = next((r for r in town_rules if f"{r.population}:{r.pool}" == key), None)
        form = forms.RuleForm(request.POST)
        if form.is_valid():
            try:
                services.rule_save(
                    actor=request.user,
                    town=town_obj,
                    rule=rule,
                    values=form.values(),
                    based_on=page_version(request, rule.version if rule else 0),
                )
                messages.success(request, _("The rule is saved."))
                return redirect("quarterly:rule_list", town)
            except DomainError as exc:
                form.add_error(None, exc.message)
    elif rule is not None:
        form = forms.RuleForm(
            initial={
                "who": f"{rule.population}:{rule.pool}",
                **{k: getattr(rule, k) for k in ("bottom", "consecutive", "months", "missing", "active")},
            }
        )
    return render(
        request,
        "quarterly/rules.html",
        {
            "town": town_obj,
            "rules": [(r, f"{r.population}:{r.pool}", rules.describe(r)) for r in town_rules],
            "defaults": defaults,
            "reading": rules.reading(town_rules),
            "form": form,
            "editing": rule,
            "version": rule.version if rule else 0,
        },
    )


@login_required
def meeting_edit(request: HttpRequest, town: str, pk: int | None = None) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_QUARTERLY)
    meeting = _meeting(request, town_obj, pk) if pk else None
    if request.method == "POST":
        form = forms.MeetingForm(request.POST, town=town_obj, editing=meeting is not None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_save(
                    actor=request.user,
                    town=town_obj,
                    meeting=meeting,
                    values=data,
                    based_on=page_version(request, meeting.version) if meeting else None,
                    year=data.get("year"),
                    quarter=data.get("quarter"),
                )
                return redirect("quarterly:meeting_detail", town, meeting.pk)
            except DomainError as exc:
                form.add_error(None, exc.message)
    elif meeting:
        form = forms.MeetingForm(
            town=town_obj,
            editing=True,
            initial={k: getattr(meeting, k) for k in ("title", "held_on", "place", "evaluation_round")},
        )
    else:
        today = timezone.localdate()
        form = forms.MeetingForm(
            town=town_obj, initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1}
        )
    return render(
        request,
        "quarterly/meeting_form.html",
        {"town": town_obj, "form": form, "meeting": meeting, "version": meeting.version if meeting else 0},
    )


def _reason_lines(entry_basis: list[dict], names: dict[int, str]) -> list[str]:
    return [rules.line_text(line, names) for line in entry_basis]


@login_required
def meeting_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_QUARTERLY)
    meeting = _meeting(request, town_obj, pk)
    manage = can(request.user, Action.MANAGE_QUARTERLY, town_obj)
    lst = meeting.lagging_list
    shown = _shows_list(request, town_obj, meeting)
    entry_rows = selectors.entries(meeting) if shown else []
    names = selectors.cadre_names(rules.cadres_named(lst.notes, [e.basis for e in entry_rows]))
    return render(
        request,
        "quarterly/meeting_detail.html",
        {
            "town": town_obj,
            "meeting": meeting,
            "lst": lst,
            "shown": shown,
            "manage": manage,
            "visits": selectors.visits_with_photos(meeting),
            "reports": selectors.reports_with_files(meeting),
            "editable": manage and not meeting.is_closed,
            "turnout": selectors.meeting_turnout(meeting),
            "rows": [
                (e, rules.short(e.rule) if e.rule else "", _reason_lines(e.basis, names)) for e in entry_rows
            ],
            "notes": rules.notes_text(lst.notes, names) if shown else [],
            "visit_form": forms.VisitForm(),
            "report_form": forms.ReportForm(town=town_obj),
            "add_form": forms.AddForm(town=town_obj),
            "today": timezone.localdate(),
            "final_consequence": _(
                "The list becomes final: its names and reasons no longer change, and statements and "
                "rectification plans can be recorded."
            ),
            "close_consequence": _(
                "The record becomes final: its site visits and photos, reports and comments, and the "
                "statements and their attachments can no longer be changed or removed."
            ),
            "upload_limit_mb": settings.KAOPING_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


def _post(request, town: str, pk: int, do) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_QUARTERLY)
    meeting = _meeting(request, town_obj, pk)
    try:
        message = do(town_obj, meeting)
        if message:
            messages.success(request, message)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("quarterly:meeting_detail", town, pk)


def _invalid(form) -> DomainError:
    return DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))


@login_required
@require_POST
def visit_add(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    def do(town_obj, meeting):
        form = forms.VisitForm(request.POST, request.FILES)
        if not form.is_valid():
            raise _invalid(form)
        services.visit_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        return _("The site visit is added.")

    return _post(request, town, pk, do)


@login_required
@require_POST
def report_add(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    def do(town_obj, meeting):
        form = forms.ReportForm(request.POST, request.FILES, town=town_obj)
        if not form.is_valid():
            raise _invalid(form)
        services.report_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        return _("The report is added.")

    return _post(request, town, pk, do)


@login_required
@require_POST
def meeting_close(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    def do(town_obj, meeting):
        services.meeting_close(actor=request.user, meeting=meeting, confirmed=confirmed(request))
        return _("The record is closed.")

    return _post(request, town, pk, do)


def _part_edit(request, town: str, pk: int, part: int, *, model, form_class, owner_type: str, what: dict):
    """The edit page of a site visit or a report: the form (with its files to add and take off) and,
    below it, the removal with its confirmation; both carry the version the page was loaded with."""
    town_obj = town_or_404(request, town, Action.MANAGE_QUARTERLY)
    meeting = _meeting(request, town_obj, pk)
    item = get_object_or_404(model.objects.select_related("meeting__town"), meeting=meeting, pk=part)
    attached = selectors.attachments_of(owner_type, [item.pk]).get(item.pk, [])
    extra = {"town": town_obj} if model is Report else {}
    if model is Report:
        extra["report"] = item
    version = page_version(request, item.version)
    form = form_class(attached=attached, initial=what["initial"](item), **extra)
    remove_error = ""
    if request.method == "POST" and request.POST.get("kind") == "remove":
        try:
            what["remove"](
                actor=request.user, based_on=version, confirmed=confirmed(request), **{what["arg"]: item}
            )
        except DomainError as exc:
            remove_error = exc.message
        else:
            messages.success(request, what["removed"])
            return redirect("quarterly:meeting_detail", town, pk)
    elif request.method == "POST":
        form = form_class(request.POST, request.FILES, attached=attached, **extra)
        if form.is_valid():
            try:
                what["update"](
                    actor=request.user, based_on=version, **{what["arg"]: item}, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, what["saved"])
                return redirect("quarterly:meeting_detail", town, pk)
    return render(
        request,
        "quarterly/part_edit.html",
        {
            "town": town_obj,
            "meeting": meeting,
            "item": item,
            "form": form,
            "attached": attached,
            "version": version,
            "title": what["title"](item),
            "remove_label": what["remove_label"],
            "remove_error": remove_error,
            "remove_consequence": what["consequence"],
            "upload_limit_mb": settings.KAOPING_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
def visit_edit(request: HttpRequest, town: str, pk: int, visit: int) -> HttpResponse:
    return _part_edit(
        request,
        town,
        pk,
        visit,
        model=SiteVisit,
        form_class=forms.VisitForm,
        owner_type=selectors.VISIT_OWNER,
        what={
            "arg": "visit",
            "initial": lambda v: {"kind": v.kind, "name": v.name, "note": v.note},
            "update": services.visit_update,
            "remove": services.visit_remove,
            "title": lambda v: _("Site visit: %(name)s") % {"name": v.name},
            "saved": _("The site visit is saved."),
            "removed": _("The site visit is removed."),
            "remove_label": _("Remove this site visit"),
            "consequence": _(
                "The site visit and its note leave the meeting and its record; its photos are taken off."
            ),
        },
    )


@login_required
def report_edit(request: HttpRequest, town: str, pk: int, report: int) -> HttpResponse:
    return _part_edit(
        request,
        town,
        pk,
        report,
        model=Report,
        form_class=forms.ReportForm,
        owner_type=selectors.REPORT_OWNER,
        what={
            "arg": "report",
            "initial": lambda r: {
                "cadre": r.cadre_id,
                "text": r.text,
                "comment_by": r.comment_by_id,
                "comment": r.comment,
            },
            "update": services.report_update,
            "remove": services.report_remove,
            "title": lambda r: _("Report by %(name)s") % {"name": r.cadre.name},
            "saved": _("The report is saved."),
            "removed": _("The report is removed."),
            "remove_label": _("Remove this report"),
            "consequence": _(
                "The report and its comment leave the meeting and its record; its file is taken off."
            ),
        },
    )


@login_required
@require_POST
def list_compute(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    def do(town_obj, meeting):
        services.list_compute(actor=request.user, meeting=meeting)
        return _("The list is computed from the published rankings.")

    return _post(request, town, pk, do)


@login_required
@require_POST
def list_finalise(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    def do(town_obj, meeting):
        services.list_finalise(actor=request.user, meeting=meeting, confirmed=confirmed(request))
        return _("The list is final.")

    return _post(request, town, pk, do)


@login_required
@require_POST
def entry_add(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    def do(town_obj, meeting):
        form = forms.AddForm(request.POST, town=town_obj)
        if not form.is_valid():
            raise _invalid(form)
        services.entry_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        return _("The cadre is added to the list, with the reason.")

    return _post(request, town, pk, do)


def _entry(meeting: Meeting, entry_pk: int) -> LaggingEntry:
    return get_object_or_404(
        LaggingEntry.objects.select_related("lagging_list__meeting", "cadre"),
        lagging_list__meeting=meeting,
        pk=entry_pk,
    )


@login_required
@require_POST
def entry_exempt(request: HttpRequest, town: str, pk: int, listed: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_QUARTERLY)
    item = _entry(_meeting(request, town_obj, pk), listed)  # another meeting's entry: 404 before anything

    def do(town_obj, meeting):
        form = forms.ReasonForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.entry_exempt(actor=request.user, entry=item, reason=form.cleaned_data["reason"])
        return _("The cadre is exempt, with the reason.")

    return _post(request, town, pk, do)


@login_required
def entry_detail(request: HttpRequest, town: str, pk: int, listed: int) -> HttpResponse:
    """A listed cadre: why, the statement and the rectification plan (recorded here by the office)."""
    town_obj = town_or_404(request, town, Action.VIEW_QUARTERLY)
    meeting = _meeting(request, town_obj, pk)
    if not _shows_list(request, town_obj, meeting):
        raise Http404
    item = _entry(meeting, listed)
    manage = can(request.user, Action.MANAGE_QUARTERLY, town_obj)
    statement = getattr(item, "statement", None)
    statement_files = (
        selectors.attachments_of(selectors.STATEMENT_OWNER, [statement.pk]).get(statement.pk, [])
        if statement
        else []
    )
    statement_form = forms.StatementForm(initial={"made_on": meeting.held_on})
    files_form = forms.StatementFilesForm(attached=statement_files)
    plan_form = forms.RectificationForm()
    if request.method == "POST":
        require(request.user, Action.MANAGE_QUARTERLY, town_obj)
        kind = request.POST.get("kind")
        try:
            if kind == "statement":
                statement_form = forms.StatementForm(request.POST, request.FILES)
                if statement_form.is_valid():
                    services.statement_record(actor=request.user, entry=item, **statement_form.cleaned_data)
                    messages.success(request, _("The statement is recorded."))
                    return redirect("quarterly:entry_detail", town, pk, listed)
            elif kind == "statement_files" and statement is not None:
                files_form = forms.StatementFilesForm(request.POST, request.FILES, attached=statement_files)
                if files_form.is_valid():
                    services.statement_files(
                        actor=request.user,
                        statement=statement,
                        files=files_form.cleaned_data["files"],
                        remove=files_form.cleaned_data.get("remove", []),
                    )
                    messages.success(request, _("The statement's attachments are saved."))
                    return redirect("quarterly:entry_detail", town, pk, listed)
            elif kind == "plan":
                plan_form = forms.RectificationForm(request.POST)
                if plan_form.is_valid():
                    services.rectification_record(actor=request.user, entry=item, **plan_form.cleaned_data)
                    messages.success(request, _("The rectification plan is recorded."))
                    return redirect("quarterly:entry_detail", town, pk, listed)
        except DomainError as exc:
            messages.error(request, exc.message)
    names = selectors.cadre_names(rules.cadres_named([], [item.basis]))
    final = item.lagging_list.status == ListStatus.FINAL and not item.exempt
    return render(
        request,
        "quarterly/entry_detail.html",
        {
            "town": town_obj,
            "meeting": meeting,
            "entry": item,
            "lines": _reason_lines(item.basis, names),
            "rule_words": rules.describe(rules.rule_from(item.rule)) if item.rule else "",
            "statement": statement,
            "statement_files": statement_files,
            "rectification": getattr(item, "rectification", None),
            "manage": manage and final,
            "statement_editable": manage and final and not meeting.is_closed,
            "statement_form": statement_form,
            "files_form": files_form,
            "plan_form": plan_form,
            "upload_limit_mb": settings.KAOPING_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
def rectification_list(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_QUARTERLY)
    today = timezone.localdate()
    return render(
        request,
        "quarterly/rectification_list.html",
        {
            "town": town_obj,
            "today": today,
            "open": selectors.open_rectifications(town_obj),
            "closed": selectors.closed_rectifications(town_obj),
            "overdue": len(selectors.overdue_rectifications(town_obj, today)),
        },
    )


@login_required
def rectification_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_QUARTERLY)
    rect = get_object_or_404(
        Rectification.objects.select_related(
            "entry__cadre", "entry__lagging_list__meeting", "recorded_by", "reviewed_by"
        ),
        entry__lagging_list__meeting__town=town_obj,
        pk=pk,
    )
    progress_form = forms.ProgressForm(initial={"written_on": timezone.localdate()})
    review_form = forms.ReviewForm()
    if request.method == "POST":
        kind = request.POST.get("kind")
        try:
            if kind == "progress":
                require(request.user, Action.MANAGE_QUARTERLY, town_obj)
                progress_form = forms.ProgressForm(request.POST, request.FILES)
                if progress_form.is_valid():
                    services.progress_add(
                        actor=request.user, rectification=rect, **progress_form.cleaned_data
                    )
                    messages.success(request, _("The progress note is added."))
                    return redirect("quarterly:rectification_detail", town, pk)
            elif kind == "progress_file_remove":
                require(request.user, Action.MANAGE_QUARTERLY, town_obj)
                note = get_object_or_404(
                    ProgressNote, rectification=rect, pk=id_param(request.POST.get("note")) or 0
                )
                services.progress_file_remove(
                    actor=request.user,
                    note=note,
                    attachment_id=id_param(request.POST.get("attachment")) or 0,
                )
                messages.success(request, _("The attachment is taken off the note."))
                return redirect("quarterly:rectification_detail", town, pk)
            elif kind == "review":
                require(request.user, Action.REVIEW_RECTIFICATIONS, town_obj)
                review_form = forms.ReviewForm(request.POST)
                if review_form.is_valid():
                    services.rectification_review(
                        actor=request.user,
                        rectification=rect,
                        outcome=review_form.cleaned_data["outcome"],
                        review=review_form.cleaned_data["review"],
                        confirmed=confirmed(request),
                        based_on=page_version(request, rect.version),
                    )
                    messages.success(request, _("The rectification is reviewed and closed."))
                    return redirect("quarterly:rectification_detail", town, pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    is_open = rect.status == RectificationStatus.OPEN
    reviewer = is_open and services.may_review(request.user, rect)
    progress = list(rect.progress.select_related("written_by"))
    note_files = selectors.attachments_of(selectors.PROGRESS_OWNER, [p.pk for p in progress])
    for p in progress:
        p.files = note_files.get(p.pk, [])
    return render(
        request,
        "quarterly/rectification_detail.html",
        {
            "town": town_obj,
            "rect": rect,
            "entry": rect.entry,
            "meeting": rect.entry.lagging_list.meeting,
            "progress": progress,
            "today": timezone.localdate(),
            "can_note": is_open and can(request.user, Action.MANAGE_QUARTERLY, town_obj),
            "reviewer": reviewer,
            "why_not_review": duties_apart_problem(
                request.user, rect.recorded_by_id, first_step=_("recorded this rectification plan")
            )
            if reviewer
            else "",
            "progress_form": progress_form,
            "review_form": review_form,
            "version": rect.version,
            "review_consequence": _("The rectification is closed with this outcome; it cannot be reopened."),
        },
    )


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


@login_required
def meeting_docx(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_QUARTERLY)
    meeting = _meeting(request, town_obj, pk)
    content = documents.record_docx(meeting, with_list=_shows_list(request, town_obj, meeting))
    return _download(
        content,
        documents.filename(meeting, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
def meeting_pdf(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_QUARTERLY)
    meeting = _meeting(request, town_obj, pk)
    try:
        content = house_style.docx_to_pdf(
            documents.record_docx(meeting, with_list=_shows_list(request, town_obj, meeting))
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quarterly:meeting_detail", town, pk)
    return _download(content, documents.filename(meeting, "pdf"), "application/pdf")
