"""A voter's journey through the public ballot, in headless Chromium (Debian's package).

Skipped, with the reason, where /usr/bin/chromium is absent; .ci/run installs it so CI runs it.
"""

import os

import pytest

from kaoping.testing import BROWSER_TESTS, CHROMIUM, CHROMIUM_ARGS

from .. import sealing
from ..models import Ballot, BallotDraft, RaterKind, SealedBallot, VotingCode

pytestmark = BROWSER_TESTS


@pytest.fixture
def browser_context():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A phone set to English, so that the page's messages read as the msgids.
        yield browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_a_voter_scans_the_slip_saves_comes_back_and_submits_once(
    browser_context, live_server, open_round, codes, cadres
):
    code = codes[RaterKind.MIDDLE_LEVEL][0]
    requested = []
    browser_context.on("request", lambda request: requested.append(request.url))
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/ballot/#{code}")  # what the QR code on the slip opens
    page.wait_for_selector("button[value=submit]")
    assert "#" not in page.url and code not in page.url  # gone from the address bar
    assert len(requested) >= 2 and not any(code in url for url in requested)  # no request line holds it

    # Rate the first two cadres, save, and leave.
    first, second, *rest = cadres
    page.click(f"label[for='r-{first.pk}-excellent']")
    page.click(f"label[for='r-{second.pk}-competent']")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "Saved" in page.locator("[role=status]").inner_text()
    assert BallotDraft.objects.count() == 1 and not Ballot.objects.exists()

    # Come back later on another page with the same slip: the saved choices are there.
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/ballot/#{code}")
    page.wait_for_selector("button[value=submit]")
    assert page.is_checked(f"#r-{first.pk}-excellent")
    assert page.is_checked(f"#r-{second.pk}-competent")
    for cadre in rest:
        page.click(f"label[for='r-{cadre.pk}-unknown']")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert "your ballot is in" in page.locator("h1").inner_text()

    # Stored sealed: only the round's tally key (here rebuilt from two of its shares) opens it.
    (stored,) = SealedBallot.objects.all()
    assert stored.rater_class.kind == RaterKind.MIDDLE_LEVEL and not Ballot.objects.exists()
    secret = sealing.combine(open_round.shares[:2], public_key=open_round.public_key)
    ballot = sealing.opener(secret)(stored.sealed)
    assert ballot["class"] == RaterKind.MIDDLE_LEVEL
    assert ballot["ratings"][str(first.pk)] == {"overall": "excellent"}
    assert ballot["ratings"][str(rest[0].pk)] == {"overall": "unknown"}
    assert len(ballot["ratings"]) == len(cadres)
    assert VotingCode.objects.filter(used=True).count() == 1
    assert not BallotDraft.objects.exists()

    # The same slip again: refused, and nothing more is stored.
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/ballot/#{code}")
    page.wait_for_selector("[role=alert]")
    assert "already been used" in page.locator("[role=alert]").inner_text()
    assert "#" not in page.url
    assert SealedBallot.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_phone_ballot_counts_progress_and_marks_the_cadres_left_after_a_refused_submit(
    browser_context, live_server, open_round, codes, cadres
):
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/ballot/#{codes[RaterKind.LEADERSHIP][0]}")
    page.wait_for_selector("button[value=submit]")
    assert page.inner_text("#ballot-rated") == "0" and page.inner_text("#ballot-left-n") == str(len(cadres))
    first, *rest = cadres
    page.click(f"label[for='r-{first.pk}-excellent']")
    assert page.inner_text("#ballot-rated") == "1"
    with page.expect_navigation():
        page.click("button[value=submit]")  # incomplete: refused
    assert "Rate every cadre" in page.locator("[role=alert]").inner_text()
    assert page.is_checked(f"#r-{first.pk}-excellent")  # the choice made is kept
    assert page.locator("[data-ballot-missing]").count() == len(rest)
    page.click(f"label[for='r-{rest[0].pk}-basic']")  # a mark goes as soon as the cadre is rated
    assert page.locator("[data-ballot-missing]").count() == len(rest) - 1
    assert page.inner_text("#ballot-rated") == "2" and page.inner_text("#ballot-left-n") == str(len(rest) - 1)
    for cadre in rest[1:]:
        page.click(f"label[for='r-{cadre.pk}-unknown']")
    assert page.is_hidden("#ballot-left")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert "your ballot is in" in page.locator("h1").inner_text()
    assert SealedBallot.objects.count() == 1
