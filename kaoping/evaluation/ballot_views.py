"""The public ballot page. No login: the voting code is the credential.

The code only ever travels in POST bodies. A QR code opens /ballot/#CODE: the fragment is not sent to
the server, and a small script on the page moves it into the form, clears it from the address bar
and posts it. So neither access logs (which record the request line) nor the browser history hold a
code next to a path. Every later step (save, submit) posts the code again from a hidden field.

A whole town opens and submits its ballots in the same few minutes (docs/performance-ballots.md), so
the form is cheap to render: the view works out every radio button and option (its id, label, style
and whether it is chosen) in Python, and the template only prints them.
"""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from kaoping.core.errors import DomainError

from . import services, tally
from .models import Grade, SubGrade

ROWS_CACHE_SECONDS = 60  # a cadre renamed meanwhile shows on fresh ballots within a minute


def _ratings_from(post) -> dict[str, dict[str, str]]:
    ratings: dict[str, dict[str, str]] = {}
    for name, value in post.items():
        if not name.startswith("r-") or not value:
            continue
        target, _sep, item = name[2:].partition("-")
        ratings.setdefault(target, {})[item or tally.OVERALL] = value
    return ratings


def _rows(access: services.BallotAccess, missing: bool = False) -> list[dict]:
    """One row per cadre on the ballot, with its grade buttons and sub-item options ready to print.
    With `missing` (after a submission refused as incomplete), the cadres not yet rated are marked."""
    rnd = access.round
    # Labels are translated once here rather than once per cadre in the template.
    grades = [
        (g, str(label), "btn-outline-secondary" if g == Grade.UNKNOWN else "btn-outline-primary")
        for g, label, _value in rnd.scale_rows()
    ]
    sub_items = [(item, str(label)) for item, label in rnd.sub_item_rows()]
    sub_grades = [(g, str(label)) for g, label in SubGrade.choices]
    targets = rnd.targets.select_related("cadre__department", "cadre__village").only(
        "round",
        "cadre__name",
        "cadre__position",
        "cadre__population",
        "cadre__department__name",
        "cadre__village__name",
    )
    rows = []
    for target in targets:
        cadre, key = target.cadre, str(target.cadre_id)
        chosen = access.draft.get(key, {})
        rows.append(
            {
                "key": key,
                "name": cadre.name,
                "position": cadre.position,
                "workplace": str(cadre.workplace or ""),
                "missing": missing and not chosen.get(tally.OVERALL),
                "grades": [
                    (f"r-{key}-{g}", g, label, style, chosen.get(tally.OVERALL) == g)
                    for g, label, style in grades
                ],
                "sub_items": [
                    (f"r-{key}-{item}", label, [(g, text, chosen.get(item) == g) for g, text in sub_grades])
                    for item, label in sub_items
                ],
            }
        )
    return rows


def _rows_html(access: services.BallotAccess, missing: bool = False) -> tuple[str, int]:
    """The cadres' rows as HTML, and how many there are. Without a draft they are the same for
    every voter of the round (targets, scale and sub-items are fixed when the round is made), so they
    are rendered once a minute per round and language, not once per voter; a saved draft's rows, or
    a refused submission's (which mark the cadres still unrated), are rendered for it."""

    def render() -> tuple[str, int]:
        rows = _rows(access, missing)
        context = {"rows": rows, "not_rated": _("Not rated yet")}
        return render_to_string("evaluation/_ballot_rows.html", context), len(rows)

    if access.draft or missing:
        html, total = render()
    else:
        rnd = access.round
        # The creation time is in the key: ids come back after a reset.
        key = f"ballot-rows:{rnd.pk}:{rnd.created_at.timestamp()}:{get_language()}"
        html, total = cache.get_or_set(key, render, ROWS_CACHE_SECONDS)
    return mark_safe(html), total  # escaped by the template engine


def _form(
    request: HttpRequest, access: services.BallotAccess, code: str, *, missing: bool = False, **extra
) -> HttpResponse:
    rows_html, total = _rows_html(access, missing)
    rated = sum(1 for rating in access.draft.values() if rating.get(tally.OVERALL))
    context = {
        "round": access.round,
        "rater_class": access.rater_class,
        "code": code,
        "rows_html": rows_html,
        "total": total,
        "rated": rated,
        "left": total - rated,
        **extra,
    }
    return render(request, "evaluation/ballot_form.html", context)


@never_cache
@sensitive_post_parameters("code")
def ballot(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "evaluation/ballot_enter.html", {})
    code = request.POST.get("code", "")
    action = request.POST.get("action", "")
    ratings = _ratings_from(request.POST)
    try:
        if action == "submit":
            try:
                services.ballot_submit(code=code, ratings=ratings)
            except DomainError as exc:
                # An incomplete ballot goes back to the voter with what they chose; a bad code does not.
                access = services.ballot_open(code=code)
                draft = services.clean_ratings(access.round, ratings, complete=False)
                access = services.BallotAccess(access.round, access.rater_class, access.code_hash, draft)
                return _form(request, access, code, missing=True, error=exc.message)
            return render(request, "evaluation/ballot_done.html", {})
        if action == "save":
            access = services.ballot_save(code=code, ratings=ratings)
            return _form(request, access, code, saved=True)
        access = services.ballot_open(code=code)
    except DomainError as exc:
        return render(request, "evaluation/ballot_enter.html", {"error": exc.message}, status=400)
    return _form(request, access, code)
