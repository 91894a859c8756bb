from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, can_anywhere

from . import selectors
from .forms import EntryFilterForm

PAGE_SIZE = 50
BREAKS_SHOWN = 10

# The reasons services.verify_chain gives, in English; listed here so that makemessages
# collects them, and `_` translates them when shown.
REASONS = (
    gettext_noop("previous hash does not match the entry before it"),
    gettext_noop("content does not match its hash"),
    gettext_noop("the record of the newest entry is missing"),
    gettext_noop("the newest entry is not the one the log last wrote"),
    gettext_noop("entries are missing or were added outside the app"),
    gettext_noop("the audit key is missing: keyed entries cannot be checked"),
    gettext_noop("an entry without the key follows keyed entries"),
)


def _require_auditor(request: HttpRequest) -> None:
    if not can_anywhere(request.user, Action.VIEW_AUDIT_LOG):
        raise PermissionDenied(_("You are not allowed to do this."))


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    entries = selectors.entries_for(request.user)
    towns = selectors.audited_towns(request.user)
    outside_towns = can(request.user, Action.VIEW_AUDIT_LOG, None)
    form = EntryFilterForm(request.GET or None, towns=towns, entries=entries, outside_towns=outside_towns)
    form.is_valid()  # the valid filters apply even when another one is wrong
    filters = getattr(form, "cleaned_data", {})
    page = Paginator(selectors.entry_search(entries, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "several_towns": len(towns) + outside_towns > 1,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "audit/_entry_table.html" if partial else "audit/entry_list.html", context)
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers a page or a table
    return response


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request)
    entry = get_object_or_404(selectors.entries_for(request.user), pk=pk)
    return render(
        request,
        "audit/entry_detail.html",
        {
            "entry": entry,
            "object_type": selectors.object_type_label(entry.object_type),
            "changes": selectors.changes(
                entry, reveal_personal=can(request.user, Action.VIEW_PERSONAL_DATA, entry.town)
            ),
        },
    )


@require_POST
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    report = selectors.chain_report()
    for notice in report.notices:
        messages.warning(request, _(notice.text) % notice.params)
    if report.intact:
        messages.success(
            request,
            ngettext(
                "Chain intact: %(count)d entry checked.",
                "Chain intact: %(count)d entries checked.",
                report.checked,
            )
            % {"count": report.checked},
        )
        if report.anchors_checked:
            messages.success(
                request,
                ngettext(
                    "The log still holds the %(count)d head anchored outside the database.",
                    "The log still holds all %(count)d heads anchored outside the database.",
                    report.anchors_checked,
                )
                % {"count": report.anchors_checked},
            )
        else:
            messages.info(
                request, _("No head anchored outside the database yet: one is written at every publication.")
            )
    for item in report.breaks[:BREAKS_SHOWN]:
        reason = _(item.reason)
        messages.error(
            request, _("Chain broken at entry #%(id)d: %(reason)s") % {"id": item.entry_id, "reason": reason}
        )
    if (hidden := len(report.breaks) - BREAKS_SHOWN) > 0:
        messages.error(
            request,
            _("…and %(count)d more; run the verifyaudit command for the full list.") % {"count": hidden},
        )
    for problem in report.anchor_problems:
        messages.error(
            request, _("Anchor check failed: %(problem)s") % {"problem": _(problem.text) % problem.params}
        )
    if report.missing_triggers:
        messages.error(
            request,
            _("The database no longer refuses changes to the audit log (missing: %(names)s).")
            % {"names": ", ".join(report.missing_triggers)},
        )
    return redirect("audit:entry_list")
