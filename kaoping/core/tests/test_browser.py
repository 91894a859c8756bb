"""Journeys a person must be able to complete, in headless Chromium (Debian's package).

Skipped, with the reason, where /usr/bin/chromium is absent; .ci/run installs it so CI runs them.
"""

import os

import pytest

from kaoping import testing
from kaoping.people.models import Population
from kaoping.testing import BROWSER_TESTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = BROWSER_TESTS


@pytest.fixture
def page():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", testing.PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_an_office_clerk_logs_in_and_filters_the_cadres(page, live_server, personas, town):
    testing.make_cadre(town, "村支书甲", 40, population=Population.VILLAGE, is_village_head=True)
    _log_in(page, live_server, "assessment_office")
    page.wait_for_url(f"**/t/{town.slug}/")
    assert "夏村镇" in page.locator("h1").inner_text()
    page.click("#nav-people")  # the people's pages are in a dropdown of the navigation bar
    page.click("#mainnav .dropdown-menu.show >> text=干部")
    page.wait_for_url("**/cadres/")
    assert page.locator("tbody tr").count() == 2
    page.select_option("select[name=population]", Population.VILLAGE)
    from playwright.sync_api import expect

    # A locator assertion, not wait_for_function: the page's Content-Security-Policy forbids eval.
    expect(page.locator("#cadre-table tbody tr")).to_have_count(1)
    assert "村支书甲" in page.locator("#cadre-table tbody").inner_text()
    assert "population=village" in page.url  # the filtered list can be bookmarked


@pytest.mark.django_db(transaction=True)
def test_a_user_switches_the_interface_to_english(page, live_server, personas, town):
    _log_in(page, live_server, "main_leader")
    page.wait_for_url(f"**/t/{town.slug}/")
    assert "在岗干部" in page.content()
    with page.expect_navigation():
        page.select_option("#lang", "en")
    assert "Cadres in service" in page.content()
    page.goto(f"{live_server.url}/t/{town.slug}/cadres/")
    assert "Department or village" in page.content()  # the choice holds on the next pages


@pytest.mark.django_db(transaction=True)
def test_a_new_account_must_choose_its_own_password(page, live_server, personas, town):
    user = personas["scorer"]
    user.must_change_password = True
    user.save()
    _log_in(page, live_server, "scorer")
    page.wait_for_url("**/accounts/password/")
    page.fill("input[name=old_password]", testing.PASSWORD)
    page.fill("input[name=new_password1]", "Mine#2026pw")
    page.fill("input[name=new_password2]", "Mine#2026pw")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/t/{town.slug}/")


@pytest.mark.django_db(transaction=True)
def test_a_scorer_fills_in_the_grid_and_the_cadre_gets_a_result(page, live_server, personas, town):
    from datetime import date

    from kaoping.indicators.models import Indicator
    from kaoping.results.models import MonthlyResult
    from kaoping.scoring import services
    from kaoping.scoring.models import ScoreEntry

    scheme = testing.make_scheme(town, year=2026, status="published")
    period = services.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 11, 1))
    sheet = period.sheets.get(scheme=scheme)
    cadre = personas["cadre"].cadre
    manual, passed = Indicator.objects.filter(scheme=scheme).order_by("code")
    _log_in(page, live_server, "scorer")
    page.wait_for_url(f"**/t/{town.slug}/")
    page.goto(f"{live_server.url}/t/{town.slug}/months/2026-11/sheets/{sheet.pk}/")
    page.fill(f"input[name='v-{cadre.pk}-{manual.pk}']", "12")  # above the maximum of 10
    page.keyboard.press("Tab")
    page.click("#grid-save")
    page.wait_for_load_state("load")
    assert not ScoreEntry.objects.exists()  # refused, nothing saved
    page.fill(f"input[name='v-{cadre.pk}-{manual.pk}']", "８")  # as a Chinese input method types 8
    page.keyboard.press("Tab")
    page.fill(f"input[name='v-{cadre.pk}-{passed.pk}']", "1")
    page.keyboard.press("Enter")
    with page.expect_navigation():
        page.click("#grid-save")
    assert ScoreEntry.objects.count() == 2
    assert MonthlyResult.objects.get(period=period, cadre=cadre).total == 88  # 0.8 × 60 + 1 × 40
