"""The public ballot page. No login: the voting code is the credential.

The code only ever travels in POST bodies. A QR code opens /ballot/#CODE: the fragment is not sent to
the server, and a small script on the page moves it into the form, clears it from the address bar
and posts it. So neither access logs (which record the request line) nor the browser history hold a
code next to a path. Every later step (save, submit) posts the code again from a hidden field.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from kaoping.core.errors import DomainError

from . import services, tally
from .models import Grade, SubGrade


def _ratings_from(post) -> dict[str, dict[str, str]]:
    ratings: dict[str, dict[str, str]] = {}
    for name, value in post.items():
        if not name.startswith("r-") or not value:
            continue
        target, _sep, item = name[2:].partition("-")
        ratings.setdefault(target, {})[item or tally.OVERALL] = value
    return ratings


def _form(request: HttpRequest, access: services.BallotAccess, code: str, **extra) -> HttpResponse:
    rnd = access.round
    targets = rnd.targets.select_related("cadre__department", "cadre__village")
    grades = [(g, label) for g, label, _value in rnd.scale_rows()]
    sub_grades = SubGrade.choices
    rows = [
        {
            "cadre": t.cadre,
            "key": str(t.cadre_id),
            "chosen": access.draft.get(str(t.cadre_id), {}),
        }
        for t in targets
    ]
    context = {
        "round": rnd,
        "rater_class": access.rater_class,
        "code": code,
        "rows": rows,
        "grades": grades,
        "sub_items": rnd.sub_item_rows(),
        "sub_grades": sub_grades,
        "unknown": Grade.UNKNOWN,
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
                return _form(request, access, code, error=exc.message)
            return render(request, "evaluation/ballot_done.html", {})
        if action == "save":
            access = services.ballot_save(code=code, ratings=ratings)
            return _form(request, access, code, saved=True)
        access = services.ballot_open(code=code)
    except DomainError as exc:
        return render(request, "evaluation/ballot_enter.html", {"error": exc.message}, status=400)
    return _form(request, access, code)
