"""The navigation bar: every role keeps every link it had before the entries were grouped in dropdowns,
each link renders and resolves, and a group of one is a plain link."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse, set_script_prefix
from django.utils import translation

from kaoping.site.context_processors import NavGroup, NavLink, menu

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)"')
EVERYONE = {"town_home", "scoring:period_list", "quarterly:meeting_list", "supervision:home"}
PEOPLE = {"people:cadre_list", "people:department_list", "people:village_list", "indicators:scheme_list"}
# What each role's navigation links to (as it did with every link in the bar).
EXPECTED = {
    "town_admin": EVERYONE | PEOPLE | {"accounts:user_list"},
    "assessment_office": EVERYONE
    | PEOPLE
    | {
        "annual:overview",
        "appeals:list",
        "evaluation:round_list",
        "pay:overview",
        "records:home",
        "yearbook:report",
    },
    "supervision_office": EVERYONE | PEOPLE,
    "party_building_office": EVERYONE | PEOPLE | {"annual:overview", "records:home", "yearbook:report"},
    "group_leader": EVERYONE | PEOPLE | {"yearbook:report"},
    "scorer": EVERYONE | PEOPLE,
    "main_leader": EVERYONE
    | PEOPLE
    | {
        "annual:overview",
        "appeals:list",
        "evaluation:round_list",
        "pay:overview",
        "records:home",
        "yearbook:report",
    },
    "cadre": EVERYONE | PEOPLE | {"annual:mine", "appeals:mine", "records:home"},
    "city_admin": EVERYONE
    | PEOPLE
    | {
        "accounts:user_list",
        "annual:overview",
        "appeals:list",
        "evaluation:round_list",
        "people:town_list",
        "records:home",
        "yearbook:report",
    },
    "auditor": {"audit:entry_list"},
    "other_town_admin": EVERYONE | PEOPLE | {"accounts:user_list"},  # in their own town
    "no_role": set(),
}


def _nav_links(html: str) -> list[str]:
    nav = html.split('id="mainnav-links"', 1)[1].split('<ul class="navbar-nav">', 1)[0]
    return HREF.findall(nav)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_navigation_link_of_a_role_renders_and_resolves(client_for, personas, town, other_town, who):
    client = client_for(personas[who])
    place = other_town if who == "other_town_admin" else town
    page = client.get(reverse("town_home", args=[place.slug]), follow=True)
    links = _nav_links(page.content.decode())
    assert len(links) == len(set(links)), "a link appears twice"
    assert {resolve(urlsplit(href).path).view_name for href in links} == EXPECTED[who]
    for href in links:
        assert client.get(href, follow=True).status_code == 200, href


def test_the_office_sees_the_quarter_the_year_and_the_people_as_dropdowns(client_for, personas, town):
    html = client_for(personas["assessment_office"]).get(reverse("town_home", args=[town.slug])).content
    html = html.decode()
    for key in ("quarterly", "annual", "people"):
        assert f'id="nav-{key}"' in html
    assert 'id="nav-admin"' not in html  # the schemes alone: a plain link


def test_a_group_of_one_link_is_that_link_and_an_empty_group_is_left_out(personas, town):
    nav = {
        "home": False,
        "months": False,
        "records": False,
        "supervision": False,
        "quarterly": True,
        "evaluation": False,
        "appeals": "",
        "annual": True,
        "own_annual": False,
        "yearbook": False,
        "pay": True,
        "people": False,
        "schemes": False,
        "users": False,
        "audit": False,
        "towns": False,
    }
    with translation.override("en"):
        entries = menu(nav, town)
        labels = [str(entries[0].label), [str(link.label) for link in entries[1].links]]
    assert isinstance(entries[0], NavLink) and isinstance(entries[1], NavGroup) and len(entries) == 2
    assert entries[0].url == reverse("quarterly:meeting_list", args=[town.slug])
    assert labels == ["Quarterly", ["Annual evaluation", "Pay"]]


def test_the_kept_menu_is_each_viewers_own_in_each_language(client, personas, town, other_town):
    """The menu's HTML is kept by each worker (base.html's fragment cache): one worker serving the office,
    a cadre and another town's administrator, in Chinese and in English, shows each their own."""
    seen = {}
    for who, place in (("assessment_office", town), ("cadre", town), ("other_town_admin", other_town)):
        client.force_login(personas[who])
        for language in ("zh-hans", "en"):
            html = client.get(
                reverse("town_home", args=[place.slug]), HTTP_ACCEPT_LANGUAGE=language
            ).content.decode()
            nav = html.split('id="mainnav-links"', 1)[1].split('<ul class="navbar-nav">', 1)[0]
            seen[who, language] = nav
            links = {resolve(urlsplit(href).path).view_name for href in HREF.findall(nav)}
            assert links == EXPECTED[who], (who, language)
            assert all(f"/t/{place.slug}/" in href for href in HREF.findall(nav) if "/t/" in href)
            assert ("Monthly assessment" in nav) == (language == "en")
            assert ("月度考核" in nav) == (language == "zh-hans")
    assert len(set(seen.values())) == len(seen)


def test_the_links_of_every_page_are_the_sites_own_under_its_script_prefix(client, personas, town):
    """base.html's links to the home page, the inbox, the password, logging out and the language are
    reversed once per script prefix (`site_urls`): a site served under a prefix links under it."""
    client.force_login(personas["assessment_office"])
    names = ("home", "inbox:message_list", "accounts:password_change", "accounts:logout", "set_language")
    try:
        for prefix in ("/", "/kaoping/"):
            set_script_prefix(prefix)  # as the server sets it from the request's SCRIPT_NAME
            html = client.get(reverse("town_home", args=[town.slug])).content.decode()
            links = set(HREF.findall(html)) | set(re.findall(r'action="(/[^"]*)"', html))
            for name in names:
                assert reverse(name).startswith(prefix) and reverse(name) in links
    finally:
        set_script_prefix("/")
