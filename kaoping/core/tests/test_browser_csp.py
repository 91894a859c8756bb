"""The main pages run under the Content-Security-Policy in Chromium without a single violation.

A violation would mean a script, handler or style the policy refuses: the page would silently lose
it. Each page is loaded (and its interactive parts touched) while the console and the
`securitypolicyviolation` events are collected.
"""

from datetime import date

import pytest

from kaoping import testing

from .test_browser import CHROMIUM_ARGS, _log_in, page, pytestmark  # noqa: F401 (fixture and marks)

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def _violations(browser_page, console):
    found = list(browser_page.evaluate("window.__csp || []"))
    return found + [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_log_no_content_security_policy_violation(page, live_server, personas, town):  # noqa: F811
    from kaoping.indicators.models import Indicator
    from kaoping.scoring import services
    from kaoping.scoring.services import Cell

    assert CHROMIUM_ARGS
    scheme = testing.make_scheme(town, year=2026, status="published")
    period = services.period_open(actor=personas["assessment_office"], town=town, month=date(2026, 11, 1))
    sheet = period.sheets.get(scheme=scheme)
    cadre = personas["cadre"].cadre
    testing.make_cadre(town, "李四", 41)
    manual, passed = Indicator.objects.filter(scheme=scheme).order_by("code")
    services.entries_save(
        actor=personas["scorer"],
        sheet=sheet,
        cells=[Cell(cadre.pk, manual.pk, "8"), Cell(cadre.pk, passed.pk, "1")],
        based_on_revision=sheet.revision,
    )
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(COLLECT)
    base = f"{live_server.url}/t/{town.slug}"

    page.goto(f"{live_server.url}/accounts/login/")
    assert _violations(page, console) == [], "login"
    with page.expect_navigation():  # the page's script moves the code into the form and posts it
        page.goto(f"{live_server.url}/ballot/#ABCD-EFGH")
    page.wait_for_load_state("load")
    assert "#" not in page.url
    assert _violations(page, console) == [], "ballot with a code"

    _log_in(page, live_server, "scorer")
    page.wait_for_url(f"{base}/")
    assert _violations(page, console) == [], "home"
    page.goto(f"{base}/months/2026-11/sheets/{sheet.pk}/")
    page.fill(f"input[name='v-{cadre.pk}-{manual.pk}']", "9")
    page.keyboard.press("Tab")
    assert _violations(page, console) == [], "grid"

    page.context.clear_cookies()
    _log_in(page, live_server, "assessment_office")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/months/2026-11/ranking/")
    assert page.locator("svg.pygal-chart").count() >= 1
    # htmx swaps the ranking in; wait for its answer, which also refreshes the session cookie.
    with page.expect_response(lambda response: "/ranking/" in response.url):
        page.select_option("#population", index=1)
    assert _violations(page, console) == [], "ranking"

    page.context.clear_cookies()
    _log_in(page, live_server, "supervision_office")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/supervision/board/")
    assert _violations(page, console) == [], "supervision board"
    with page.expect_navigation():
        page.select_option("#lang", "en")  # the language menu submits itself (static script)
    assert page.locator("html").get_attribute("lang") == "en"
    assert _violations(page, console) == [], "language switch"
