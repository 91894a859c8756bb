from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kaoping.accounts.permissions import Action, can, can_anywhere, towns_for


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise; for operators and load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user where they work: their town's home page, a town chooser, or the audit log."""
    towns = list(towns_for(request.user).filter(is_active=True))
    visible = [t for t in towns if can(request.user, Action.VIEW_TOWN, t)]
    if len(visible) == 1:
        return redirect("people:town_home", visible[0].slug)
    if not visible and can_anywhere(request.user, Action.VIEW_AUDIT_LOG):
        return redirect("audit:entry_list")
    return render(request, "core/choose_town.html", {"towns": visible})
