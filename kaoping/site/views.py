"""The pages that gather several areas: the home redirect and the town's front page.

They read people, results and supervision, so they live in the top layer (docs/architecture.md).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaoping.accounts.permissions import Action, can, can_anywhere, town_or_404, towns_for
from kaoping.pay import selectors as pay
from kaoping.people.selectors import town_overview
from kaoping.results.selectors import home_summary

from .todo import todo


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user where they work: their town's home page, a town chooser, or the audit log."""
    towns = list(towns_for(request.user).filter(is_active=True))
    visible = [t for t in towns if can(request.user, Action.VIEW_TOWN, t)]
    if len(visible) == 1:
        return redirect("town_home", visible[0].slug)
    if not visible and can_anywhere(request.user, Action.VIEW_AUDIT_LOG):
        return redirect("audit:entry_list")
    return render(request, "site/choose_town.html", {"towns": visible})


@login_required
def town_home(request: HttpRequest, town: str) -> HttpResponse:
    """The town's front page: what each of the user's roles has to do next (`todo`), then, for the
    town's staff, its figures. A cadre sees their own result and items, not the staff figures."""
    town = town_or_404(request, town, Action.VIEW_TOWN)
    context: dict = {"town": town, "cards": todo(request.user, town)}
    if request.user.cadre_id and request.user.cadre.town_id == town.pk:
        context["me"] = request.user.cadre
        if can(request.user, Action.VIEW_OWN_PAY, town):
            context["my_pay"] = pay.own_pay(request.user.cadre)
    if can(request.user, Action.VIEW_TOWN_FIGURES, town):
        context["overview"] = town_overview(town)
    if can(request.user, Action.VIEW_PUBLISHED_RESULTS, town):
        summary = home_summary(town, None)
        if not can(request.user, Action.VIEW_RESULTS, town):
            summary["current"] = None  # a month being scored is not shown to the town until published
        context["assessment"] = summary
    return render(request, "site/town_home.html", context)
