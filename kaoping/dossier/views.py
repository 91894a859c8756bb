"""The dossier page and its Word and PDF documents.

Who may open a dossier is decided by `permissions.dossier_allowed` (anyone's for the roles the policy
names, one's own for a cadre); every opening of someone else's dossier, on the page or as a document,
is written to the audit log (who, whose, when).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from kaoping.accounts.permissions import Action, dossier_allowed, object_in_town_or_404, town_or_404
from kaoping.audit.services import record
from kaoping.core import documents as house_style
from kaoping.core.errors import DomainError
from kaoping.people.models import Cadre, Town

from . import documents
from .sections import Viewer, load_all


def _open(request: HttpRequest, town: str, pk: int, *, how: str) -> tuple[Town, Cadre]:
    """The town and cadre, if the user may open this dossier; audited when it is someone else's."""
    town_obj = town_or_404(request, town, Action.VIEW_PEOPLE)
    cadre = object_in_town_or_404(Cadre.objects.with_workplace(), town_obj, pk=pk)
    if not dossier_allowed(request.user, town_obj, cadre.pk):
        raise PermissionDenied(_("You are not allowed to do this."))
    if request.user.cadre_id != cadre.pk:
        record(actor=request.user, action="dossier.open", target=cadre, town=town_obj, new={"as": how})
    return town_obj, cadre


@login_required
def dossier(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj, cadre = _open(request, town, pk, how="page")
    return render(
        request,
        "dossier/dossier.html",
        {
            "town": town_obj,
            "cadre": cadre,
            "sections": load_all(cadre, Viewer(request.user, town_obj)),
            "today": timezone.localdate(),
            "pdf": house_style.soffice() is not None,
        },
    )


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


@login_required
def dossier_docx(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj, cadre = _open(request, town, pk, how="docx")
    return _download(
        documents.dossier_docx(
            town_obj, cadre, load_all(cadre, Viewer(request.user, town_obj)), by=request.user
        ),
        documents.filename(cadre, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
def dossier_pdf(request: HttpRequest, town: str, pk: int) -> HttpResponse:
    town_obj, cadre = _open(request, town, pk, how="pdf")
    try:
        content = house_style.docx_to_pdf(
            documents.dossier_docx(
                town_obj, cadre, load_all(cadre, Viewer(request.user, town_obj)), by=request.user
            )
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossier:page", town, pk)
    return _download(content, documents.filename(cadre, "pdf"), "application/pdf")
