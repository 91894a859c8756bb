"""Cadres in and out of Excel: the import page, its template, and the export of the cadre list."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kaoping.accounts.permissions import Action, can, town_or_404
from kaoping.core import spreadsheets
from kaoping.core.errors import DomainError

from . import importing, selectors
from .forms import CadreFilterForm


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{spreadsheets.XLSX_CONTENT_TYPE}"}),
    )


@login_required
def cadre_import(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PEOPLE)
    # A multipart POST with only a file has an empty request.POST: bind on the method, not on `or None`.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.cadre_import(actor=request.user, town=town, file=upload, filename=upload.name)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if result.ok:
                count = len(result.created)
                messages.success(
                    request,
                    ngettext("%(count)d cadre imported.", "%(count)d cadres imported.", count)
                    % {"count": count},
                )
                return redirect("people:cadre_list", town.slug)
    departments, villages = importing.unit_names(town)
    return render(
        request,
        "people/cadre_import.html",
        {"town": town, "form": form, "result": result, "departments": departments, "villages": villages},
    )


@login_required
def cadre_import_template(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_PEOPLE)
    return spreadsheets.xlsx_response(
        importing.cadre_template(town),
        filename=f"{town.name}-{_('Cadre import template')}.xlsx",
        fallback=f"{town.slug}-cadre-import-template.xlsx",
    )


@login_required
def cadre_export(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_PEOPLE)
    form = CadreFilterForm(request.GET or None, town=town)
    filters = form.cleaned_data if form.is_valid() else {}
    content = importing.cadre_export(
        actor=request.user,
        town=town,
        cadres=selectors.cadre_search(town, filters),
        personal=can(request.user, Action.VIEW_PERSONAL_DATA, town),
    )
    today = timezone.localdate().strftime("%Y%m%d")
    return spreadsheets.xlsx_response(
        content,
        filename=f"{town.name}-{_('Cadres')}-{today}.xlsx",
        fallback=f"{town.slug}-cadres-{today}.xlsx",
    )
