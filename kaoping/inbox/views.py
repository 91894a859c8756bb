"""The inbox page: one's own messages, newest first; open one, mark read, mark all read."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kaoping.core.params import int_param

from . import services
from .models import Message

PAGE_SIZE = 30


def _own(request: HttpRequest, pk: int) -> Message:
    """One of the user's own messages; anybody else's answers 404, as if it did not exist."""
    return get_object_or_404(Message.objects.for_user(request.user), pk=pk)


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    shown = Message.objects.for_user(request.user).select_related("town")
    if unread_only:
        shown = shown.unread()
    page = Paginator(shown, PAGE_SIZE).get_page(
        int_param(request.GET.get("page"), low=1, high=10**6, default=1)
    )
    return render(request, "inbox/message_list.html", {"page": page, "unread_only": unread_only})


@login_required
def message_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a message and mark it read; its link, if any, is one click away."""
    message = services.mark_read(user=request.user, message=_own(request, pk))
    safe_link = message.link and url_has_allowed_host_and_scheme(
        message.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return render(
        request, "inbox/message_detail.html", {"message": message, "link": message.link if safe_link else ""}
    )


@login_required
@require_POST
def message_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(user=request.user, message=_own(request, pk))
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    flash.success(
        request,
        ngettext("%(count)d message marked read.", "%(count)d messages marked read.", count)
        % {"count": count},
    )
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """Where the form came from (a path of this site), else the inbox."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("inbox:message_list")


@login_required
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The header's count alone, for an HTMX refresh."""
    return render(request, "inbox/_badge.html", {"inbox_unread": services.unread_count(request.user)})
