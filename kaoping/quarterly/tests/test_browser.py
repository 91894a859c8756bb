"""The office's journey at a meeting, in headless Chromium: compute the list, finalise it after ticking
the confirmation the browser requires. Skipped, with the reason, where /usr/bin/chromium is absent."""

import os

import pytest

from kaoping import testing
from kaoping.quarterly.models import ListStatus
from kaoping.testing import BROWSER_TESTS, CHROMIUM

pytestmark = BROWSER_TESTS


@pytest.fixture
def page():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 900})
        yield context.new_page()
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_office_computes_the_list_and_finalises_it_only_after_confirming(
    page, live_server, quarter, meeting
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "assessment_office")
    page.fill("input[name=password]", testing.PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/t/{meeting.town.slug}/quarterly/{meeting.pk}/")
    page.click("text=根据已公布的排名生成")
    page.wait_for_selector("#entries")
    assert "2026-03：第7名（共7人），总分72.00" in page.locator("#entries").inner_text()
    page.click("button:has-text('名单定稿')")  # the checkbox is required: the browser does not send the form
    meeting.lagging_list.refresh_from_db()
    assert meeting.lagging_list.status == ListStatus.DRAFT
    page.check("#confirm-final")
    with page.expect_navigation():
        page.click("button:has-text('名单定稿')")
    meeting.lagging_list.refresh_from_db()
    assert meeting.lagging_list.status == ListStatus.FINAL
    assert "已定稿" in page.content()
