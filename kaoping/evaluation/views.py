"""The assessment office's pages: rounds, codes and slips, turnout, results and exports."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kaoping.accounts.permissions import Action, can, town_or_404
from kaoping.core import spreadsheets
from kaoping.core.confirm import confirmed
from kaoping.core.errors import DomainError

from . import codes, exports, sealing, selectors, services
from .forms import RoundForm
from .models import Grade, RaterKind, Round, RoundStatus


@login_required
def round_list(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_EVALUATION_RESULTS)
    rounds = Round.objects.of_town(town).prefetch_related("classes")
    return render(
        request,
        "evaluation/round_list.html",
        {"town": town, "rounds": rounds, "manage": can(request.user, Action.MANAGE_EVALUATIONS, town)},
    )


@login_required
def round_create_view(request: HttpRequest, town: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_EVALUATIONS)
    form = RoundForm(request.POST or None, town=town)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cadres = selectors.cadres_for(
            town,
            year=data["year"],
            quarter=data["quarter"],
            groups=data["groups"],
            cadre_ids=[c.pk for c in data["cadres"]],
        )
        try:
            rnd = services.round_create(
                actor=request.user,
                town=town,
                year=data["year"],
                quarter=data["quarter"],
                title=data["title"],
                held_on=data["held_on"],
                closes_at=data["closes_at"],
                cadres=cadres,
                classes=form.classes(),
                scale=form.scale(),
                sub_items=data["sub_items"],
                key_holders=data["key_holders"],
                key_threshold=data["key_threshold"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The round is prepared. Make the voting codes and print the slips."))
            return redirect("evaluation:round_detail", town.slug, rnd.slug)
    return render(request, "evaluation/round_form.html", {"town": town, "form": form})


@login_required
def round_detail(request: HttpRequest, town: str, round: str) -> HttpResponse:
    town = town_or_404(request, town, Action.VIEW_EVALUATION_RESULTS)
    rnd = selectors.round_or_404(town, round)
    turnout = selectors.turnout(rnd)
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "town": town,
            "round": rnd,
            "turnout": turnout,
            "issued": sum(t.issued for t in turnout),
            "used": sum(t.used for t in turnout),
            "targets": rnd.targets.select_related("cadre__department", "cadre__village"),
            "manage": can(request.user, Action.MANAGE_EVALUATIONS, town),
            "ballot_url": request.build_absolute_uri(reverse("ballot:enter")),
            "close_consequence": services.CLOSE_CONSEQUENCE,
            "open_consequence": services.OPEN_CONSEQUENCE,
            "share_fields": range(1, rnd.key_threshold + 1),
        },
    )


@never_cache
@require_POST
@login_required
def round_codes(request: HttpRequest, town: str, round: str) -> HttpResponse:
    """Make the codes and answer with the slips to print: the only time the codes exist in clear."""
    town = town_or_404(request, town, Action.MANAGE_EVALUATIONS)
    rnd = selectors.round_or_404(town, round)
    try:
        made = services.codes_generate(actor=request.user, round=rnd)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:round_detail", town.slug, rnd.slug)
    ballot_url = request.build_absolute_uri(reverse("ballot:enter"))
    # Each class's slips print in a random order, with no number: a slip's place on the sheet says
    # nothing about its code's row (which follows the order the codes were made in).
    batches = {rater_class: list(batch) for rater_class, batch in made.items()}
    for batch in batches.values():
        sealing.shuffle(batch)
    slips = [
        {
            "class": rater_class.get_kind_display(),
            "code": codes.display(code),
            # The code rides in the fragment, which browsers never send to the server.
            "qr": segno.make(f"{ballot_url}#{code}", error="m").svg_inline(scale=3, omitsize=False),
        }
        for rater_class, batch in batches.items()
        for code in batch
    ]
    response = render(
        request,
        "evaluation/slips.html",
        {"town": town, "round": rnd, "slips": slips, "ballot_url": ballot_url},
    )
    return response


@never_cache
@require_POST
@login_required
@sensitive_post_parameters("share")
def round_move_view(request: HttpRequest, town: str, round: str) -> HttpResponse:
    town = town_or_404(request, town, Action.MANAGE_EVALUATIONS)
    rnd = selectors.round_or_404(town, round)
    to = request.POST.get("to", "")
    try:
        if to == RoundStatus.OPEN:
            if not confirmed(request):
                raise DomainError(
                    _("Confirm first: %(consequence)s") % {"consequence": services.OPEN_CONSEQUENCE}
                )
            shares = services.round_open(actor=request.user, round=rnd)
            # The only time the tally key's shares exist: shown once, printed for the holders.
            return render(
                request,
                "evaluation/key_shares.html",
                {
                    "town": town,
                    "round": rnd,
                    "shares": [
                        {"number": i, "words": list(enumerate(share.split(), start=1))}
                        for i, share in enumerate(shares, start=1)
                    ],
                },
            )
        services.round_move(
            actor=request.user,
            round=rnd,
            to=to,
            confirmed=confirmed(request),
            shares=request.POST.getlist("share"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The round is now “%(status)s”.") % {"status": RoundStatus(to).label})
        if to == RoundStatus.CLOSED:
            return redirect("evaluation:round_results", town.slug, rnd.slug)
    return redirect("evaluation:round_detail", town.slug, rnd.slug)


def _closed_round(request: HttpRequest, town: str, round: str) -> tuple:
    town = town_or_404(request, town, Action.VIEW_EVALUATION_RESULTS)
    rnd = selectors.round_or_404(town, round)
    if rnd.status != RoundStatus.CLOSED:
        raise Http404
    return town, rnd


@login_required
def round_results(request: HttpRequest, town: str, round: str) -> HttpResponse:
    town, rnd = _closed_round(request, town, round)
    classes = list(rnd.classes.all())
    rows = []
    for row in selectors.results(rnd):
        r = row.result
        rows.append(
            {
                "cadre": row.cadre,
                "score": r.score,
                "classes": [r.per_class.get(c.kind, {}) for c in classes],
                "distribution": [r.distribution.get(g, 0) for g in Grade.values],
                "sub_means": [r.sub_means.get(k) for k, _label in rnd.sub_item_rows()],
                "note": exports.left_out_note(r.left_out),
            }
        )
    rows.sort(key=lambda x: (x["score"] is None, -(x["score"] or 0)))
    return render(
        request,
        "evaluation/results.html",
        {
            "town": town,
            "round": rnd,
            "classes": classes,
            "grades": Grade.choices,
            "rows": rows,
            "turnout": selectors.turnout(rnd),
            "kinds": dict(RaterKind.choices),
        },
    )


@login_required
def results_export(request: HttpRequest, town: str, round: str) -> HttpResponse:
    town, rnd = _closed_round(request, town, round)
    return spreadsheets.xlsx_response(
        spreadsheets.write_rows(exports.results_sheet(rnd), exports.results_rows(rnd)),
        filename=f"{town.name}-{rnd.slug}-{_('Democratic evaluation')}.xlsx",
        fallback=f"evaluation-{town.slug}-{rnd.slug}.xlsx",
    )


@login_required
def ballots_export(request: HttpRequest, town: str, round: str) -> HttpResponse:
    town, rnd = _closed_round(request, town, round)
    sheet, rows = exports.ballot_box(rnd)
    return spreadsheets.xlsx_response(
        spreadsheets.write_rows(sheet, rows),
        filename=f"{town.name}-{rnd.slug}-{_('Ballot box')}.xlsx",
        fallback=f"ballots-{town.slug}-{rnd.slug}.xlsx",
    )
