import io
import logging
import re
from pathlib import Path

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from .. import codes as codes_
from .. import services
from ..models import Ballot, RoundStatus, SealedBallot
from .conftest import LEAD, MID, all_rated, close_round, make_round, vote


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(name, town, *args):
    return reverse(f"evaluation:{name}", args=[town.slug, *args])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona, list_status, create_status",
    [
        ("assessment_office", 200, 200),
        ("main_leader", 200, 403),
        ("scorer", 403, 403),
        ("cadre", 403, 403),
        ("town_admin", 403, 403),
        ("auditor", 403, 403),
        ("other_town_admin", 404, 404),
    ],
)
def test_who_may_see_and_manage_rounds(client_for, personas, town, persona, list_status, create_status):
    client = client_for(personas[persona])
    assert client.get(url("round_list", town)).status_code == list_status
    assert client.get(url("round_create", town)).status_code == create_status


@pytest.mark.django_db
def test_the_office_prepares_a_round_by_groups_and_individuals(client_for, personas, town, cadres):
    client = client_for(personas["assessment_office"])
    data = {
        "year": 2026,
        "quarter": 2,
        "title": "",
        "held_on": "2026-06-28",
        "groups": ["leadership"],
        "cadres": [cadres[3].pk],
        "sub_items": ["morality", "integrity"],
        "scale_excellent": 95,
        "scale_competent": 85,
        "scale_basic": 75,
        "scale_incompetent": 65,
    }
    for kind, weight in (
        ("leadership", 40),
        ("middle_level", 30),
        ("established", 20),
        ("non_established", 10),
    ):
        data[f"weight_{kind}"] = weight
        data[f"codes_{kind}"] = 2
    # The tally key: closing cannot need more shares than there are holders, nor 1 of several.
    for holders, threshold, message in ((2, 3, "more shares than there are holders"), (3, 1, "at least 2")):
        refused = client.post(
            url("round_create", town), {**data, "key_holders": holders, "key_threshold": threshold}
        )
        assert refused.status_code == 200 and message in refused.content.decode()
    assert not town.evaluation_rounds.exists()
    response = client.post(url("round_create", town), {**data, "key_holders": 4, "key_threshold": 3})
    assert response.status_code == 302, response.content.decode()[:2000]
    rnd = town.evaluation_rounds.get()
    assert (rnd.key_holders, rnd.key_threshold, rnd.public_key) == (4, 3, "")
    assert {t.cadre.name for t in rnd.targets.all()} == {"刘镇长", "赵强"}
    assert rnd.sub_items == ["morality", "integrity"]


@pytest.mark.django_db
def test_the_slips_page_shows_each_code_once_with_a_qr_code_and_instructions(
    client_for, personas, town, draft_round
):
    response = client_for(personas["assessment_office"]).post(url("round_codes", town, draft_round.slug))
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert html.count('class="slip"') == 12 and html.count("<svg") == 12
    assert "Scan the QR code" in html and "http" not in html.split("<style>")[0].replace(
        "http://testserver", ""
    )


@pytest.mark.django_db
def test_the_ballot_page_takes_the_code_by_post_only_and_keeps_it_out_of_urls(
    client, open_round, codes, cadres, caplog
):
    caplog.set_level(logging.DEBUG)
    entry = client.get(reverse("ballot:enter"))
    assert b"evaluation/ballot-enter.js" in entry.content  # a static script: the CSP allows no inline one
    script = Path(finders.find("evaluation/ballot-enter.js")).read_text()
    assert "location.hash" in script and "replaceState" in script
    code = codes[LEAD][0]
    form = client.post(reverse("ballot:enter"), {"code": code})
    assert form.status_code == 200 and "刘镇长".encode() in form.content
    assert code.encode() not in reverse("ballot:enter").encode()
    saved = client.post(
        reverse("ballot:enter"), {"code": code, "action": "save", f"r-{cadres[0].pk}": "excellent"}
    )
    assert b"Saved" in saved.content and b'value="excellent" checked' in saved.content
    ratings = {f"r-{c.pk}": "competent" for c in cadres}
    done = client.post(reverse("ballot:enter"), {"code": code, "action": "submit", **ratings})
    assert b"your ballot is in" in done.content
    assert SealedBallot.objects.count() == 1
    again = client.post(reverse("ballot:enter"), {"code": code, "action": "submit", **ratings})
    assert again.status_code == 400 and b"already been used" in again.content
    assert all(code not in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_a_saved_ballot_comes_back_with_its_grade_and_sub_item_choices(client, town, cadres):
    rnd = make_round(town, cadres, quarter=2, codes_each=1, sub_items=["morality", "integrity"])
    code = next(iter(services.codes_generate(actor=None, round=rnd).values()))[0]
    services.round_open(actor=None, round=rnd)
    first = cadres[0].pk
    saved = {"code": code, "action": "save", f"r-{first}": "basic", f"r-{first}-integrity": "fair"}
    client.post(reverse("ballot:enter"), saved)
    html = client.post(reverse("ballot:enter"), {"code": code}).content.decode()
    assert re.findall(r'id="([^"]+)" value="[a-z]+" checked', html) == [f"r-{first}-basic"]
    selects = dict(re.findall(r'<select[^>]* name="(r-[^"]+)"[^>]*>(.*?)</select>', html, re.S))
    assert len(selects) == 2 * len(cadres)
    chosen = {name: re.findall(r'value="([a-z]+)" selected', options) for name, options in selects.items()}
    assert {name: values for name, values in chosen.items() if values} == {f"r-{first}-integrity": ["fair"]}


@pytest.mark.django_db
def test_opening_and_submitting_a_ballot_do_not_query_per_cadre(
    client, open_round, codes, cadres, django_assert_num_queries
):
    code = codes[LEAD][0]
    with django_assert_num_queries(2):  # the code with its draft, the cadres
        opened = client.post(reverse("ballot:enter"), {"code": code})
    assert opened.status_code == 200
    assert all(cadre.name in opened.content.decode() for cadre in cadres)  # the whole ballot, not a refusal
    ratings = {f"r-{cadre}": r["overall"] for cadre, r in all_rated(cadres).items()}
    # The code, the round's targets (read once, then kept); then the round's status, the code
    # marked, the ballot, the draft gone.
    with django_assert_num_queries(8):  # ... and the savepoint and its release: the test's transaction
        response = client.post(reverse("ballot:enter"), {"code": code, "action": "submit", **ratings})
    assert b"your ballot is in" in response.content


@pytest.mark.django_db
def test_fresh_ballots_share_the_rows_of_the_round_but_a_draft_gets_its_own(
    client, open_round, codes, cadres, django_assert_num_queries
):
    first, second, third = codes[LEAD][:3]
    opened = client.post(reverse("ballot:enter"), {"code": first}).content.decode()
    with django_assert_num_queries(1):  # the code with its draft: the rows are the round's, already drawn
        again = client.post(reverse("ballot:enter"), {"code": second}).content.decode()
    assert _without_tokens(again, second) == _without_tokens(opened, first)
    assert " checked" not in again
    saved = {"code": third, "action": "save", f"r-{cadres[0].pk}": "competent"}
    assert " checked" in client.post(reverse("ballot:enter"), saved).content.decode()
    # Someone else's saved choice never shows on a fresh ballot, and each language has its rows.
    fresh = {"code": codes[MID][0]}
    assert " checked" not in client.post(reverse("ballot:enter"), fresh).content.decode()
    chinese = client.post(reverse("ballot:enter"), fresh, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "基本称职" in chinese and "Basically competent" not in chinese


def _without_tokens(page: str, code: str) -> str:
    """The page without what is each voter's own: the code and the CSRF tokens (64 characters)."""
    return re.sub(r"[A-Za-z0-9]{64}", "", page.replace(code, ""))


@pytest.mark.django_db
def test_the_ballot_page_gives_a_clear_message_for_a_mistyped_code(client, open_round, codes):
    response = client.post(reverse("ballot:enter"), {"code": codes[LEAD][0][:-2]})
    assert response.status_code == 400 and b"not a valid voting code" in response.content


@pytest.mark.django_db
def test_turnout_shows_counts_and_results_export_to_excel(
    client_for, personas, town, open_round, codes, cadres
):
    vote(codes[LEAD][0], cadres)
    client = client_for(personas["assessment_office"])
    detail = client.get(url("round_detail", town, open_round.slug)).content.decode()
    assert "1 / 3" in detail and codes[LEAD][0] not in detail
    assert client.get(url("round_results", town, open_round.slug)).status_code == 404
    close_round(open_round, personas["assessment_office"])
    results = client.get(url("round_results", town, open_round.slug)).content.decode()
    assert "95.00" in results and "renormalised" in results
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(url("results_export", town, open_round.slug)).content)
    ).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Name", "Population", "Position", "Democratic score"]
    assert sheet.max_row == 5


@pytest.mark.django_db
def test_the_ballot_box_export_has_ballots_by_random_key_and_no_codes(
    client_for, personas, town, open_round, codes, cadres
):
    for code in codes[LEAD][:2]:
        vote(code, cadres)
    close_round(open_round, personas["assessment_office"])
    content = client_for(personas["main_leader"]).get(url("ballots_export", town, open_round.slug)).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == sorted(str(b.id) for b in Ballot.objects.all())
    assert rows[0][1] == "Leadership members" and rows[0][2] == "Excellent"
    flat = " ".join(str(v) for r in rows for v in r)
    assert not any(code in flat for code in codes[LEAD])


@pytest.mark.django_db
def test_closing_a_round_asks_for_a_confirmation_that_says_what_cannot_be_undone(
    client_for, personas, town, open_round
):
    with pytest.raises(services.DomainError, match="Confirm first: Closing cannot be undone"):
        services.round_move(
            actor=personas["assessment_office"],
            round=open_round,
            to=RoundStatus.CLOSED,
            shares=open_round.shares,
        )
    client = client_for(personas["assessment_office"])
    page = client.get(url("round_detail", town, open_round.slug)).content.decode()
    assert "This cannot be undone." in page and 'name="confirmed" value="1"' in page
    client.post(url("round_move", town, open_round.slug), {"to": "closed"})
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN
    # Too few shares, or a wrong one: refused with a message, nothing changed.
    few = client.post(
        url("round_move", town, open_round.slug),
        {"to": "closed", "confirmed": "1", "share": [open_round.shares[0], ""]},
        follow=True,
    )
    assert "Closing needs 2 of the 3 shares" in few.content.decode()
    wrong = open_round.shares[1].split()
    wrong[7] = "academic" if wrong[7] != "academic" else "acid"
    refused = client.post(
        url("round_move", town, open_round.slug),
        {"to": "closed", "confirmed": "1", "share": [open_round.shares[0], " ".join(wrong)]},
        follow=True,
    )
    assert "Share 2 is not a valid share" in refused.content.decode()
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN
    client.post(
        url("round_move", town, open_round.slug),
        {"to": "closed", "confirmed": "1", "share": [open_round.shares[2].upper(), open_round.shares[0]]},
    )
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED


@pytest.mark.django_db
def test_opening_shows_the_tally_key_shares_once_and_stores_none_of_them(
    client_for, personas, town, draft_round
):
    client = client_for(personas["assessment_office"])
    client.post(url("round_codes", town, draft_round.slug))
    unconfirmed = client.post(url("round_move", town, draft_round.slug), {"to": "open"}, follow=True)
    assert "Confirm first: Opening starts the vote" in unconfirmed.content.decode()
    draft_round.refresh_from_db()
    assert draft_round.status == RoundStatus.DRAFT
    page = client.post(url("round_move", town, draft_round.slug), {"to": "open", "confirmed": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert html.count('class="share"') == 3 and "Tally key share 2 of 3" in html
    words = re.findall(r"<div><span>\d+</span>([a-z]+)</div>", html)
    assert len(words) == 60
    shares = [" ".join(words[i : i + 20]) for i in range(0, 60, 20)]
    draft_round.refresh_from_db()
    assert draft_round.status == RoundStatus.OPEN and len(draft_round.public_key) == 64
    from django.db import connection

    with connection.cursor() as cursor:  # no share, nor the secret, anywhere in the database
        for table in ("evaluation_round", "audit_auditentry"):
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            assert not any(share.split()[5] + " " + share.split()[6] in dump for share in shares)
    detail = client.get(url("round_detail", town, draft_round.slug)).content.decode()
    assert detail.count('name="share"') == 2 and "What the system guarantees about anonymity" in detail
    client.post(
        url("round_move", town, draft_round.slug), {"to": "closed", "confirmed": "1", "share": shares[1:]}
    )
    draft_round.refresh_from_db()
    assert draft_round.status == RoundStatus.CLOSED


@pytest.mark.django_db
def test_a_submission_answers_with_one_size_whatever_was_voted(client, open_round, codes, cadres):
    sizes = set()
    for code, grade in zip(codes[LEAD], ["excellent", "unknown", "basic"], strict=True):
        done = client.post(
            reverse("ballot:enter"),
            {"code": code, "action": "submit", **{f"r-{c.pk}": grade for c in cadres}},
        )
        assert b"your ballot is in" in done.content
        sizes.add(len(done.content))
    assert len(sizes) == 1


@pytest.mark.django_db
def test_slips_print_in_a_random_order_without_numbers(client_for, personas, town, draft_round, monkeypatch):
    from .. import sealing

    orders = []
    monkeypatch.setattr(sealing, "shuffle", lambda items: orders.append(list(items)) or items.reverse())
    html = client_for(personas["assessment_office"]).post(url("round_codes", town, draft_round.slug)).content
    printed = re.findall(r'class="code">([A-Z0-9-]+)<', html.decode())
    assert len(orders) == 4 and printed == [codes_.display(c) for batch in orders for c in reversed(batch)]


@pytest.mark.django_db
def test_a_refused_incomplete_ballot_keeps_the_choices_and_marks_the_cadres_left(client, town, cadres):
    rnd = make_round(town, cadres, quarter=3, codes_each=1, sub_items=["integrity"])
    code = next(iter(services.codes_generate(actor=None, round=rnd).values()))[0]
    services.round_open(actor=None, round=rnd)
    fresh = client.post(reverse("ballot:enter"), {"code": code}).content.decode()
    assert 'id="ballot-rated">0</strong> of 4' in fresh and "Not rated yet" not in fresh
    first = cadres[0].pk
    posted = {"code": code, "action": "submit", f"r-{first}": "basic", f"r-{first}-integrity": "fair"}
    html = client.post(reverse("ballot:enter"), posted).content.decode()
    assert "Rate every cadre before submitting" in html and "3 left" in html
    assert html.count("data-ballot-missing") == 3 and html.count("ballot-missing") == 6
    assert f'id="r-{first}-basic" value="basic" checked' in html
    assert re.search(rf'name="r-{first}-integrity".*?value="fair" selected', html, re.S)
    assert 'id="ballot-rated">1</strong> of 4' in html
    assert not SealedBallot.objects.exists()


@pytest.mark.django_db
def test_the_round_form_is_styled_like_every_other_form(client_for, personas, town):
    html = client_for(personas["assessment_office"]).get(url("round_create", town)).content.decode()

    def tag(kind: str, name: str) -> str:
        return re.search(rf'<{kind}[^>]*name="{name}"[^>]*>', html).group(0)

    for name in ("year", "title", "held_on", "weight_leadership", "codes_leadership", "key_holders"):
        assert 'class="form-control' in tag("input", name), name
        assert f'for="id_{name}"' in html  # every field has its label
    assert 'class="form-select' in tag("select", "quarter") and 'class="form-select' in tag(
        "select", "cadres"
    )
    assert html.count('class="form-check-input"') >= 10  # groups and sub-items
    assert re.search(r'name="held_on" value="\d{4}-\d{2}-\d{2}"', html)  # the date input shows today
