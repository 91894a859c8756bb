"""The dossier on a phone, in headless Chromium: each table's rows are cards of named values, so that
nothing scrolls sideways at 390 px, while a desktop keeps the plain tables."""

import os

import pytest

from kaoping import testing
from kaoping.dossier.sample import add_history
from kaoping.testing import BROWSER_TESTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = BROWSER_TESTS


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_every_dossier_table_is_a_stack_of_cards_and_on_a_desktop_a_table(
    live_server, personas, town
):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    cadre = personas["cadre"].cadre
    add_history(cadre, years=[2025], actor=personas["assessment_office"])
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in (390, 1366):
            page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", "cadre")
            page.fill("input[name=password]", testing.PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"**/t/{town.slug}/")
            page.goto(f"{live_server.url}/t/{town.slug}/cadres/{cadre.pk}/dossier/")
            seen[width] = {
                "tables": page.eval_on_selector_all(
                    ".table-stack", "ts => ts.map(t => getComputedStyle(t).display)"
                ),
                "sideways": page.eval_on_selector_all(
                    ".table-responsive", "bs => bs.filter(b => b.scrollWidth > b.clientWidth + 1).length"
                ),
                "label": page.eval_on_selector(
                    ".table-stack tbody td[data-label]",
                    "td => [td.dataset.label, getComputedStyle(td, '::before').content]",
                ),
            }
        browser.close()
    phone, desktop = seen[390], seen[1366]
    assert len(phone["tables"]) >= 6 and set(phone["tables"]) == {"block"}
    assert phone["sideways"] == 0
    name, shown = phone["label"]
    assert shown == f'"{name}"'  # the column's name before the value
    assert set(desktop["tables"]) == {"table"} and desktop["label"][1] == "none"
