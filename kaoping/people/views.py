from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import (
    Action,
    can,
    dossier_allowed,
    object_in_town_or_404,
    require,
    town_or_404,
)
from kaoping.audit import versions
from kaoping.core.errors import DomainError
from kaoping.core.params import text_param

from . import selectors, services
from .forms import CadreFilterForm, CadreForm, DepartmentForm, PostingDateForm, TownForm, VillageForm
from .models import Cadre, Department, Town, Village

UNIT_KINDS = {
    "department": {"model": Department, "form": DepartmentForm, "fields": services.DEPARTMENT_FIELDS},
    "village": {"model": Village, "form": VillageForm, "fields": services.VILLAGE_FIELDS},
}


def _unit_context(town: Town, kind: str, **extra) -> dict:
    """What the shared department/village templates need: the kind and its URL names."""
    names = {
        action: f"people:{kind}_{action}" for action in ("list", "create", "detail", "edit", "set_active")
    }
    return {"town": town, "kind": kind, "names": names, **extra}


@login_required
def cadre_list(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_PEOPLE)
    form = CadreFilterForm(request.GET or None, town=town)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.cadre_search(town, filters), 50).get_page(request.GET.get("page"))
    context = {
        "town": town,
        "form": form,
        "page": page,
        "personal": can(request.user, Action.VIEW_PERSONAL_DATA, town),
        "manage": can(request.user, Action.MANAGE_PEOPLE, town),
        "query": _query_without_page(request),
    }
    template = "people/_cadre_table.html" if request.htmx else "people/cadre_list.html"
    return render(request, template, context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def cadre_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_PEOPLE)
    cadre = object_in_town_or_404(Cadre.objects.with_workplace(), town, pk=pk)
    return render(
        request,
        "people/cadre_detail.html",
        {
            "town": town,
            "cadre": cadre,
            "postings": selectors.postings_of(cadre),
            "personal": can(request.user, Action.VIEW_PERSONAL_DATA, town)
            or request.user.cadre_id == cadre.pk,
            "manage": can(request.user, Action.MANAGE_PEOPLE, town),
            "dossier": dossier_allowed(request.user, town, cadre.pk),
        },
    )


@login_required
def cadre_edit(request: HttpRequest, town: str, pk: int | None = None) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PEOPLE)
    cadre = object_in_town_or_404(Cadre.objects.all(), town, pk=pk) if pk else None
    initial = CadreForm.initial_for(cadre) if cadre else {"population": request.GET.get("population", "")}
    form = CadreForm(request.POST or None, town=town, cadre=cadre, initial=initial)
    version = versions.page_version(request, cadre.version) if cadre else ""
    if request.method == "POST" and form.is_valid():
        try:
            effective_from = form.cleaned_data["effective_from"]
            if cadre is None:
                cadre = services.cadre_create(
                    actor=request.user, town=town, data=form.data_object(), in_post_from=effective_from
                )
            else:
                services.cadre_update(
                    actor=request.user,
                    cadre=cadre,
                    data=form.data_object(),
                    based_on=version,
                    effective_from=effective_from,
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": cadre.name})
            return redirect("people:cadre_detail", town.slug, cadre.pk)
    return render(
        request, "people/cadre_form.html", {"town": town, "form": form, "cadre": cadre, "version": version}
    )


@require_POST
@login_required
def cadre_set_active(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PEOPLE)
    cadre = object_in_town_or_404(Cadre.objects.all(), town, pk=pk)
    dated = PostingDateForm(request.POST)
    if not dated.is_valid():
        messages.error(request, " ".join(dated.errors.get("on", [])))
        return redirect("people:cadre_detail", town.slug, cadre.pk)
    on = dated.cleaned_data["on"]
    try:
        if request.POST.get("active") == "1":
            services.cadre_reactivate(actor=request.user, cadre=cadre, on=on)
            messages.success(request, _("%(name)s is in service again.") % {"name": cadre.name})
        else:
            services.cadre_deactivate(
                actor=request.user, cadre=cadre, on=on, reason=text_param(request.POST.get("reason"))
            )
            messages.success(
                request, _("%(name)s has left service; the record is kept.") % {"name": cadre.name}
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("people:cadre_detail", town.slug, cadre.pk)


@login_required
def unit_list(request: HttpRequest, town: str, kind: str) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_PEOPLE)
    show_all = request.GET.get("status") == "all"
    units = selectors.units_with_counts(UNIT_KINDS[kind]["model"], town, include_inactive=show_all)
    return render(
        request,
        "people/unit_list.html",
        _unit_context(
            town,
            kind,
            units=units,
            show_all=show_all,
            manage=can(request.user, Action.MANAGE_PEOPLE, town),
        ),
    )


@login_required
def unit_detail(request: HttpRequest, town: str, kind: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_PEOPLE)
    unit = object_in_town_or_404(UNIT_KINDS[kind]["model"].objects.all(), town, pk=pk)
    cadres = (
        unit.cadres.filter(is_active=True)
        .with_workplace()
        .order_by("-is_middle_level", "-is_village_head", "name")
    )
    return render(
        request,
        "people/unit_detail.html",
        _unit_context(
            town,
            kind,
            unit=unit,
            cadres=cadres,
            manage=can(request.user, Action.MANAGE_PEOPLE, town),
        ),
    )


@login_required
def unit_edit(request: HttpRequest, town: str, kind: str, pk: int | None = None) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PEOPLE)
    spec = UNIT_KINDS[kind]
    unit = object_in_town_or_404(spec["model"].objects.all(), town, pk=pk) if pk else spec["model"]()
    initial = {f: getattr(unit, f) for f in spec["fields"]} if pk else {}
    form = spec["form"](request.POST or None, initial=initial)
    version = versions.page_version(request, unit.version) if pk else ""
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_save(
                actor=request.user,
                town=town,
                unit=unit,
                values=form.cleaned_data,
                based_on=version if pk else None,
            )
        except versions.Conflict as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": unit.name})
            return redirect(f"people:{kind}_list", town.slug)
    return render(
        request, "people/unit_form.html", _unit_context(town, kind, form=form, unit=unit, version=version)
    )


@require_POST
@login_required
def unit_set_active(request: HttpRequest, town: str, kind: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PEOPLE)
    unit = object_in_town_or_404(UNIT_KINDS[kind]["model"].objects.all(), town, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.unit_set_active(actor=request.user, unit=unit, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s reactivated.") % {"name": unit.name}
            if active
            else _("%(name)s deactivated; its history is kept.") % {"name": unit.name},
        )
    return redirect(f"people:{kind}_list", town.slug)


@login_required
def town_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_TOWNS)
    towns = selectors.towns_with_counts()
    return render(request, "people/town_list.html", {"towns": towns})


@login_required
def town_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Action.MANAGE_TOWNS)
    town = get_object_or_404(Town, pk=pk) if pk else None
    form = TownForm(request.POST or None, instance=town)
    version = versions.page_version(request, town.version) if town else ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.town_save(actor=request.user, form=form, based_on=version if town else None)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": saved.name})
            return redirect("people:town_list")
    return render(request, "people/town_form.html", {"form": form, "town_obj": town, "version": version})
