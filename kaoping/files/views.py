"""The one way out for an attachment: a download asked of the permission layer, never a static URL."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils.encoding import escape_uri_path

from kaoping.accounts.permissions import Action, object_in_town_or_404, town_or_404

from . import access, services
from .models import Attachment

# Shown in the browser rather than downloaded: images and PDF. Office files are downloaded.
_INLINE = {"image/jpeg", "image/png", "application/pdf"}


@login_required
def download(request: HttpRequest, town: str, pk: int) -> FileResponse:
    town_obj = town_or_404(request, town, Action.VIEW_TOWN)
    attachment = object_in_town_or_404(Attachment.objects.all(), town_obj, pk=pk)
    # Not allowed to see the owning object: the file does not exist for this user (404, not 403).
    if not access.may_download(request.user, attachment):
        raise Http404
    path = services.path_of(attachment)
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=attachment.content_type)
    disposition = "inline" if attachment.content_type in _INLINE else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{escape_uri_path(attachment.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
