"""Supervision items: the office's board, an owner's own items, an item's page and its moves."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import (
    Action,
    can,
    duties_apart_problem,
    object_in_town_or_404,
    town_or_404,
)
from kaoping.core import spreadsheets
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError
from kaoping.core.params import id_param, int_param, text_param
from kaoping.people.models import Cadre

from . import importing, selectors, services
from .forms import ExtendForm, ItemForm, MoveForm, NoteForm, RulesForm, UploadForm
from .models import Item, ItemStatus, Quality


@login_required
def home(request: HttpRequest, town: str) -> HttpResponse:
    """The office and leaders land on the board, cadres on their own items, others on the archive."""
    town_obj = town_or_404(request, town, Action.VIEW_BULLETINS)
    if can(request.user, Action.VIEW_SUPERVISION, town_obj):
        return redirect("supervision:board", town)
    if getattr(request.user, "cadre", None) is not None:
        return redirect("supervision:my_items", town)
    return redirect("supervision:bulletin_archive", town)


# What each button of an item does, as a verb: the status it leads to says less (a send-back and a
# start both lead to "in progress").
MOVE_VERBS = {
    (ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS): pgettext_lazy("supervision move", "Start work"),
    (ItemStatus.IN_PROGRESS, ItemStatus.SUBMITTED): pgettext_lazy("supervision move", "Report the result"),
    (ItemStatus.SUBMITTED, ItemStatus.VERIFIED): pgettext_lazy("supervision move", "Verify as done"),
    (ItemStatus.SUBMITTED, ItemStatus.IN_PROGRESS): pgettext_lazy("supervision move", "Send back to redo"),
    (ItemStatus.VERIFIED, ItemStatus.CLOSED): pgettext_lazy("supervision move", "Close the item"),
}
DUE_SOON_DAYS = 7


@dataclass
class BoardGroup:
    key: str
    label: str
    items: list[Item]
    open: bool = True  # shown unfolded


def board_groups(items: list[Item], today: date) -> list[BoardGroup]:
    """The board's sections: overdue, then due within a week, then the rest by status; empty ones left out."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    groups = [
        BoardGroup("overdue", gettext("Overdue"), []),
        BoardGroup("due_soon", gettext("Due within a week"), []),
        *(
            BoardGroup(value, label, [], value not in (ItemStatus.CLOSED,))
            for value, label in ItemStatus.choices
        ),
    ]
    by_key = {g.key: g for g in groups}
    for item in items:
        if item.status in ItemStatus.open() and item.deadline < today:
            by_key["overdue"].items.append(item)
        elif item.status in ItemStatus.open() and item.deadline <= soon:
            by_key["due_soon"].items.append(item)
        else:
            by_key[item.status].items.append(item)
    by_key[ItemStatus.CLOSED].items.reverse()  # the latest closed first
    return [g for g in groups if g.items]


@login_required
def board(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_SUPERVISION)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    overdue = request.GET.get("overdue") == "1"
    items = list(
        selectors.board(
            town_obj,
            status=status,
            department=id_param(department),
            overdue_on=today if overdue else None,
        )
    )
    return render(
        request,
        "supervision/board.html",
        {
            "town": town_obj,
            "items": items,
            "groups": board_groups(items, today),
            "today": today,
            "statuses": ItemStatus.choices,
            "status": status,
            "departments": town_obj.departments.filter(is_active=True),
            "department": department,
            "overdue": overdue,
            "counts": selectors.status_counts(town_obj, today),
            "manage": can(request.user, Action.MANAGE_SUPERVISION, town_obj),
        },
    )


@login_required
def my_items(request: HttpRequest, town: str) -> HttpResponse:
    """An owner's own items with their deadlines (linkable from the home page)."""
    town_obj = town_or_404(request, town, Action.HANDLE_OWN_ITEMS)
    cadre = request.user.cadre
    return render(
        request,
        "supervision/my_items.html",
        {
            "town": town_obj,
            "items": selectors.my_items(cadre),
            "today": timezone.localdate(),
        },
    )


def _item_or_404(request, town_obj, pk: int) -> Item:
    item = object_in_town_or_404(Item.objects.select_related("department", "town"), town_obj, pk=pk)
    if not (can(request.user, Action.VIEW_SUPERVISION, town_obj) or services.is_owner(request.user, item)):
        raise PermissionDenied
    return item


@login_required
def item_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_TOWN)
    item = _item_or_404(request, town_obj, pk)
    moves = services.allowed_moves(request.user, item)
    why_not_verify = ""
    if ItemStatus.VERIFIED in moves:
        why_not_verify = duties_apart_problem(
            request.user, services.result_submitter_id(item), first_step=str(services.SUBMITTED_RESULT)
        )
        if why_not_verify:
            moves.remove(ItemStatus.VERIFIED)
    return render(
        request,
        "supervision/item_detail.html",
        {
            "town": town_obj,
            "item": item,
            "today": timezone.localdate(),
            "events": item.events.select_related("actor"),
            "owners": item.owners.select_related("cadre"),
            "moves": [(to, MOVE_VERBS[(item.status, to)]) for to in moves],
            "why_not_verify": why_not_verify,
            "irreversible": services.IRREVERSIBLE,
            "qualities": Quality.choices,
            "office": services.is_office(request.user, town_obj),
            "can_note": item.status != ItemStatus.CLOSED
            and (services.is_office(request.user, town_obj) or services.is_owner(request.user, item)),
        },
    )


def _act(request, town: str, pk: int, form_class, action) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.VIEW_TOWN)
    item = _item_or_404(request, town_obj, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please fill in the form correctly."))
    else:
        try:
            action(item, form.cleaned_data)
            messages.success(request, _("Saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("supervision:item_detail", town, pk)


@login_required
@require_POST
def item_move(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    return _act(
        request,
        town,
        pk,
        MoveForm,
        lambda item, d: services.item_move(
            actor=request.user,
            item=item,
            to=d["to"],
            text=d["text"],
            quality=d["quality"],
            result=d["result"],
            confirmed=confirmed(request),
        ),
    )


@login_required
@require_POST
def item_note(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    return _act(
        request,
        town,
        pk,
        NoteForm,
        lambda item, d: services.item_note(actor=request.user, item=item, text=d["text"]),
    )


@login_required
@require_POST
def item_extend(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    return _act(
        request,
        town,
        pk,
        ExtendForm,
        lambda item, d: services.item_extend(
            actor=request.user, item=item, deadline=d["deadline"], reason=d["reason"]
        ),
    )


@login_required
def item_create(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_SUPERVISION)
    form = ItemForm(request.POST or None, town=town_obj, initial={"assigned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.ItemData(
            source=d["source"],
            title=d["title"],
            requirements=d["requirements"],
            department=d["department"],
            urgency=d["urgency"],
            assigned_on=d["assigned_on"],
            deadline=d["deadline"],
            owners=list(d["owners"]),
            co_owners=list(d["co_owners"]),
        )
        try:
            item = services.item_create(actor=request.user, town=town_obj, data=data)
        except DomainError as exc:
            for error in exc.errors or [exc.message]:
                form.add_error(None, error)
        else:
            messages.success(request, _("The item is registered."))
            return redirect("supervision:item_detail", town, item.pk)
    return render(
        request,
        "supervision/item_form.html",
        {"town": town_obj, "form": form, "pickers": _pickers(form, town_obj)},
    )


PICKED_FIELDS = ("owners", "co_owners")


def _pickers(form: ItemForm, town_obj) -> list[dict]:
    """The owner and co-owner pickers with the people already picked (kept when the form is refused)."""
    # Only what can be an id: a typed or forged value is the form's error to report, not a lookup.
    chosen = {
        name: [pk for v in (form[name].value() or []) if (pk := id_param(str(v))) is not None]
        for name in PICKED_FIELDS
    }
    people = Cadre.objects.filter(
        town=town_obj, pk__in=[pk for values in chosen.values() for pk in values]
    ).select_related("department", "village")
    by_pk = {c.pk: c for c in people}
    return [
        {"field": form[name], "picked": [by_pk[pk] for pk in chosen[name] if pk in by_pk]}
        for name in PICKED_FIELDS
    ]


SEARCH_LIMIT = 20


@login_required
def cadre_search(request: HttpRequest, town: str) -> HttpResponse:
    """The people matching a search box's text, with their department, for the owner pickers (HTMX)."""
    town_obj = town_or_404(request, town, Action.MANAGE_SUPERVISION)
    query = text_param(request.GET.get("q"), max_length=40).strip()  # no NUL: PostgreSQL refuses it
    field = request.GET.get("field", "")
    people: list[Cadre] = []
    if query and field in PICKED_FIELDS:
        people = list(
            Cadre.objects.filter(town=town_obj, is_active=True)
            .filter(
                Q(name__icontains=query)
                | Q(department__name__icontains=query)
                | Q(village__name__icontains=query)
                | Q(position__icontains=query)
            )
            .select_related("department", "village")
            .order_by("name", "pk")[: SEARCH_LIMIT + 1]
        )
    return render(
        request,
        "supervision/_cadre_search.html",
        {
            "people": people[:SEARCH_LIMIT],
            "more": len(people) > SEARCH_LIMIT,
            "query": query,
            "field": field,
        },
    )


@login_required
def item_import(request: HttpRequest, town: str) -> HttpResponse:
    town_obj = town_or_404(request, town, Action.MANAGE_SUPERVISION)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.item_import(
                actor=request.user, town=town_obj, file=upload, filename=upload.name
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if result.ok:
                n = len(result.created)
                imported = ngettext("%(n)d item imported.", "%(n)d items imported.", n)
                messages.success(request, imported % {"n": n})
                return redirect("supervision:board", town)
            problems = result.problems
    return render(
        request, "supervision/item_import.html", {"town": town_obj, "form": form, "problems": problems}
    )


@login_required
def item_import_template(request: HttpRequest, town: str) -> HttpResponse:
    town_or_404(request, town, Action.MANAGE_SUPERVISION)
    return spreadsheets.xlsx_response(
        importing.item_template(), filename="督办事项导入模板.xlsx", fallback="supervision-items.xlsx"
    )


@login_required
def rules(request: HttpRequest, town: str) -> HttpResponse:
    """The year's scoring rules for handling items: read by the office and leaders, set by the office."""
    town_obj = town_or_404(request, town, Action.VIEW_SUPERVISION)
    year = int_param(request.GET.get("year"), low=2000, high=2100, default=timezone.localdate().year)
    manage = can(request.user, Action.MANAGE_SUPERVISION, town_obj)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    current = services.rules_for(town_obj, year)
    form = RulesForm(request.POST or None, instance=current)
    # The version the page was loaded with ("" when no rules were stored yet) travels with the post.
    loaded = current.version if current.pk else ""
    version = request.POST.get("version", "") if request.method == "POST" else loaded
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_save(
                actor=request.user,
                town=town_obj,
                year=year,
                values={f: form.cleaned_data[f] for f in services.RULE_FIELDS},
                version=int(version) if str(version).isdigit() and len(str(version)) < 10 else None,
            )
        except DomainError as exc:
            for error in exc.errors or [exc.message]:
                form.add_error(None, error)
        else:
            messages.success(request, _("The scoring rules of %(year)d are saved.") % {"year": year})
            return redirect(f"{request.path}?year={year}")
    if not manage:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "supervision/rules.html",
        {
            "town": town_obj,
            "form": form,
            "year": year,
            "years": [year - 1, year, year + 1],
            "stored": current.pk is not None,
            "manage": manage,
            "version": version,
        },
    )
