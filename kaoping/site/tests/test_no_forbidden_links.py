"""No page shows a link that answers 403 (or 500) to the user who sees it.

A crawler over the demo town: for each demo account, the links of the home page and of the main
navigation (level 1), then every link found on those, and on those in turn (levels 2 and 3), GET
only, inside the application.
Addresses that differ only by their ids count once (one cadre's page stands for all of them), and
documents (Word, PDF) are left out, so that the walk stays quick.
"""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from kaoping.accounts.models import User
from kaoping.people.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db

DEPTH = 3  # the home page's links and the navigation, what they link to, and one step further
HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(accounts/logout|i18n|ballot|static|healthz)|\.(docx|pdf)$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def _shape(url: str) -> str:
    """The address with its ids and months blanked: one page of each kind is enough."""
    path = urlsplit(url).path
    return re.sub(r"\d{4}-\d{2}", "M", re.sub(r"/\d+(?=/|$|\.)", "/N", path))


def _links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in HREF.findall(html) if not SKIP.search(h)]


def _nav(html: str) -> list[str]:
    nav = html.split('id="mainnav-links"', 1)[-1].split('<ul class="navbar-nav">', 1)[0]
    return _links(nav)


@pytest.mark.parametrize("username", [a.username for a in DEMO_ACCOUNTS])
def test_no_link_a_demo_account_sees_answers_403_or_500(demo, username, settings):
    settings.LANGUAGE_CODE = "en"
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    start = client.get("/", follow=True)
    assert start.status_code == 200
    home_html = start.content.decode()
    seen: dict[str, str] = {}  # shape → the address that stood for it
    bad: list[str] = []

    def visit(url: str, came_from: str) -> str:
        shape = _shape(url)
        if shape in seen:
            return ""
        seen[shape] = url
        response = client.get(url)
        if response.status_code in (403, 500):
            bad.append(f"{url} ({response.status_code}), linked from {came_from}")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return ""
        return response.content.decode()

    level1 = [(link, "the home page") for link in _links(home_html)]
    level1 += [(link, "the navigation") for link in _nav(home_html)]
    pages = [(url, visit(url, came_from)) for url, came_from in level1]
    for _depth in range(DEPTH - 1):
        pages = [(link, visit(link, url)) for url, html in pages for link in _links(html)]
    assert not bad, f"{username} sees links that refuse them:\n" + "\n".join(bad)
    assert len(seen) > 3
