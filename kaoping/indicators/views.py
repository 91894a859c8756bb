from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, object_in_town_or_404, town_or_404
from kaoping.audit import versions
from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError
from kaoping.people.models import Population, Town

from . import importing, selectors, services
from .forms import (
    CategoryForm,
    ImportForm,
    IndicatorForm,
    ReasonForm,
    SchemeCreateForm,
    SchemeSettingsForm,
    WeightsForm,
)
from .models import AdjustmentKind, AdjustmentReason, Category, Indicator, Scheme, SchemeStatus, TieBreak


def _scheme(request: HttpRequest, town: Town, pk: int) -> Scheme:
    """The town's scheme `pk`, if the user may see it (drafts only for those who build schemes)."""
    return object_in_town_or_404(selectors.visible_schemes(request.user, town), town, pk=pk)


def _month(request: HttpRequest, scheme: Scheme) -> date:
    """The month asked for (?month=1-12), else this month in the scheme's year, else its first or last."""
    try:
        number = int(request.GET.get("month", ""))
    except ValueError:
        number = 0
    if not 1 <= number <= 12:
        today = timezone.localdate()
        number = today.month if today.year == scheme.year else (12 if scheme.year < today.year else 1)
    return scheme.month(number)


def _months(scheme: Scheme) -> list[tuple[int, str]]:
    return [(number, MONTHS_AP[number]) for number in range(1, 13)]


@login_required
def scheme_list(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_SCHEMES)
    rows = selectors.schemes_by_year(selectors.visible_schemes(request.user, town))
    return render(
        request,
        "indicators/scheme_list.html",
        {
            "town": town,
            "rows": rows,
            "populations": list(Population),
            "manage": can(request.user, Action.MANAGE_SCHEMES, town),
        },
    )


@login_required
def scheme_create(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    initial = {k: request.GET[k] for k in ("year", "population") if k in request.GET}
    form = SchemeCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(actor=request.user, town=town, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s created as a draft.") % {"name": scheme.name})
            return redirect("indicators:scheme_detail", town.slug, scheme.pk)
    return render(request, "indicators/scheme_create.html", {"town": town, "form": form})


@login_required
def scheme_detail(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_SCHEMES)
    scheme = _scheme(request, town, pk)
    month = _month(request, scheme)
    context = {
        "town": town,
        "scheme": scheme,
        "table": selectors.scheme_table(scheme, month),
        "month": month,
        "months": _months(scheme),
        "change_months": selectors.change_months(scheme),
        "tie_breaks": [TieBreak(t).label for t in scheme.tie_breaks if t in TieBreak.values],
        "manage": can(request.user, Action.MANAGE_SCHEMES, town),
    }
    template = "indicators/_scheme_table.html" if request.htmx else "indicators/scheme_detail.html"
    return render(request, template, context)


@login_required
def scheme_edit(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    form = SchemeSettingsForm(
        request.POST or None, scheme=scheme, initial=SchemeSettingsForm.initial_for(scheme)
    )
    version = versions.page_version(request, scheme.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(actor=request.user, scheme=scheme, values=form.values(), based_on=version)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": scheme.name})
            return redirect("indicators:scheme_detail", town.slug, scheme.pk)
    return render(
        request,
        "indicators/scheme_form.html",
        {"town": town, "scheme": scheme, "form": form, "version": version},
    )


@require_POST
@login_required
def scheme_status(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    status = request.POST.get("status", "")
    if status not in SchemeStatus.values:
        raise Http404
    try:
        services.scheme_set_status(actor=request.user, scheme=scheme, status=status)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is published: the cadres can read it.") % {"name": scheme.name}
            if status == SchemeStatus.PUBLISHED
            else _("%(name)s is archived.") % {"name": scheme.name},
        )
    return redirect("indicators:scheme_detail", town.slug, scheme.pk)


@login_required
def category_edit(request: HttpRequest, town: str, pk: int, category: int | None = None) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    obj = get_object_or_404(Category, scheme=scheme, pk=category) if category else Category(scheme=scheme)
    initial = (
        {"name": obj.name, "sort_order": obj.sort_order}
        if category
        else {"sort_order": (scheme.categories.count() + 1)}
    )
    form = CategoryForm(request.POST or None, initial=initial)
    version = versions.page_version(request, obj.version) if category else ""
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                actor=request.user,
                scheme=scheme,
                category=obj,
                based_on=version if category else None,
                **form.cleaned_data,
            )
        except versions.Conflict as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": obj.name})
            return redirect("indicators:scheme_detail", town.slug, scheme.pk)
    return render(
        request,
        "indicators/category_form.html",
        {"town": town, "scheme": scheme, "form": form, "category": obj, "version": version},
    )


@login_required
def indicator_edit(request: HttpRequest, town: str, pk: int, indicator: int | None = None) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    obj = get_object_or_404(Indicator, scheme=scheme, pk=indicator) if indicator else None
    if obj is not None:
        initial = IndicatorForm.initial_for(obj)
    else:
        initial = {
            "category": request.GET.get("category"),
            "sort_order": scheme.indicators.count() + 1,
            "weight_from": _month(request, scheme).month if not scheme.is_draft else 1,
        }
    form = IndicatorForm(request.POST or None, scheme=scheme, indicator=obj, initial=initial)
    version = versions.page_version(request, obj.version) if obj else ""
    if request.method == "POST" and form.is_valid():
        try:
            if obj is None:
                obj = services.indicator_create(
                    actor=request.user,
                    scheme=scheme,
                    data=form.data_object(),
                    weight=form.cleaned_data.get("weight"),
                    weight_from=form.weight_month(),
                )
            else:
                services.indicator_update(
                    actor=request.user, indicator=obj, data=form.data_object(), based_on=version
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": obj})
            return redirect("indicators:scheme_detail", town.slug, scheme.pk)
    return render(
        request,
        "indicators/indicator_form.html",
        {"town": town, "scheme": scheme, "form": form, "indicator": obj, "version": version},
    )


@login_required
def weights_edit(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    month = _month(request, scheme)
    table = selectors.scheme_table(scheme, month)
    indicators = [row.indicator for block in table.blocks for row in block.rows]
    in_force = {
        row.indicator.pk: row.weight for block in table.blocks for row in block.rows if row.weight is not None
    }
    form = WeightsForm(request.POST or None, indicators=indicators, in_force=in_force)
    version = versions.page_version(request, scheme.weights_version)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.weights_set(
                actor=request.user,
                scheme=scheme,
                month=month,
                weights=form.weights(),
                note=form.cleaned_data["note"],
                based_on=version,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            count = len(changes)
            if count:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d weight changed from %(month)s on.",
                        "%(count)d weights changed from %(month)s on.",
                        count,
                    )
                    % {"count": count, "month": f"{month:%Y-%m}"},
                )
            else:
                messages.info(request, _("No weight changed."))
            return redirect(f"{_detail_url(town, scheme)}?month={month.month}")
    return render(
        request,
        "indicators/weights_form.html",
        {
            "town": town,
            "scheme": scheme,
            "table": table,
            "form": form,
            "month": month,
            "months": _months(scheme),
            "version": version,
        },
    )


def _detail_url(town: Town, scheme: Scheme) -> str:
    return reverse("indicators:scheme_detail", args=[town.slug, scheme.pk])


@login_required
def reason_list(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_SCHEMES)
    scheme = _scheme(request, town, pk)
    reasons = list(AdjustmentReason.objects.filter(scheme=scheme))
    return render(
        request,
        "indicators/reason_list.html",
        {
            "town": town,
            "scheme": scheme,
            "groups": [
                (kind, [r for r in reasons if r.kind == kind])
                for kind in (AdjustmentKind.BONUS, AdjustmentKind.DEDUCTION)
            ],
            "manage": can(request.user, Action.MANAGE_SCHEMES, town),
        },
    )


@login_required
def reason_edit(request: HttpRequest, town: str, pk: int, reason: int | None = None) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    obj = get_object_or_404(AdjustmentReason, scheme=scheme, pk=reason) if reason else AdjustmentReason()
    if reason:
        initial = {name: getattr(obj, name) for name in services.REASON_FIELDS}
    else:
        initial = {"kind": request.GET.get("kind", AdjustmentKind.BONUS)}
    form = ReasonForm(request.POST or None, initial=initial)
    version = versions.page_version(request, obj.version) if reason else ""
    if request.method == "POST" and form.is_valid():
        try:
            services.reason_save(
                actor=request.user,
                scheme=scheme,
                reason=obj,
                values=form.cleaned_data,
                based_on=version if reason else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": obj.name})
            return redirect("indicators:reason_list", town.slug, scheme.pk)
    return render(
        request,
        "indicators/reason_form.html",
        {"town": town, "scheme": scheme, "form": form, "reason": obj, "version": version},
    )


@require_POST
@login_required
def reason_delete(request: HttpRequest, town: str, pk: int, reason: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    obj = get_object_or_404(AdjustmentReason, scheme=scheme, pk=reason)
    try:
        services.reason_delete(actor=request.user, reason=obj)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s removed from the catalogue.") % {"name": obj.name})
    return redirect("indicators:reason_list", town.slug, scheme.pk)


@login_required
def scheme_export(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_SCHEMES)
    scheme = _scheme(request, town, pk)
    month = _month(request, scheme)
    content = importing.scheme_export(actor=request.user, scheme=scheme, month=month)
    return spreadsheets.xlsx_response(
        content,
        filename=f"{town.name}-{scheme.name}-{_('weights')}{month:%Y-%m}.xlsx",
        fallback=f"{town.slug}-scheme-{scheme.year}-{scheme.population}-{month:%Y-%m}.xlsx",
    )


@login_required
def scheme_import(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    scheme = _scheme(request, town, pk)
    # A multipart POST with only a file has an empty request.POST: bind on the method, not on `or None`.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    result = None
    refusal = None
    try:
        importing.check_importable(scheme)
    except DomainError as exc:
        refusal = exc.message
    if request.method == "POST" and refusal is None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.scheme_import(
                actor=request.user,
                scheme=scheme,
                file=upload,
                filename=upload.name,
                weight_from=scheme.month(form.cleaned_data["weight_from"]),
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if result.ok:
                count = len(result.created)
                messages.success(
                    request,
                    ngettext("%(count)d indicator imported.", "%(count)d indicators imported.", count)
                    % {"count": count},
                )
                return redirect("indicators:scheme_detail", town.slug, scheme.pk)
    return render(
        request,
        "indicators/scheme_import.html",
        {"town": town, "scheme": scheme, "form": form, "result": result, "refusal": refusal},
    )


@login_required
def scheme_import_template(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_SCHEMES)
    return spreadsheets.xlsx_response(
        importing.scheme_template(),
        filename=f"{_('Scheme import template')}.xlsx",
        fallback="scheme-import-template.xlsx",
    )
