"""The number of queries of a published month's ranking and breakdown pages, for a logged-in user,
is fixed: a page that reads more per request fails here (docs/performance.md, "Pages under
concurrent load"). Worked example: test_corrections.py's May 2026, published, two cadres."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kaoping.results.tests.test_corrections import may  # noqa: F401 - the fixture, named as the tests' argument

# Served from what was frozen: the session, the user with their roles (one statement), the town, the
# month and the months' state, and the header's count of unread inbox messages; the breakdown reads
# the cadre too. The navigation's town switch needs no query for a user whose roles are all in the
# page's town.
RANKING = 6
BREAKDOWN = 7
# The publication window and the objections on a published month's breakdown (appeals' template tag):
# the town's windows, the result's objections and reviews (the result's id and total come with the
# page's lines).
APPEALS_PANEL = 2


def _ranking(period) -> str:
    return reverse("scoring:ranking", args=[period.town.slug, f"{period.month:%Y-%m}"])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["assessment_office", "main_leader"])
def test_the_ranking_page_of_a_published_month_takes_a_fixed_number_of_queries(
    may,  # noqa: F811 - the fixture
    personas,
    client_for,
    django_assert_num_queries,
    who,
):
    period, _zhang, _li = may
    client = client_for(personas[who])
    assert client.get(_ranking(period)).status_code == 200  # the first request keeps the page
    with django_assert_num_queries(RANKING):
        response = client.get(_ranking(period))
    assert response.status_code == 200 and "李强" in response.content.decode()


@pytest.mark.django_db
def test_the_breakdown_page_of_a_published_month_takes_a_fixed_number_of_queries(
    may,  # noqa: F811 - the fixture
    personas,
    client_for,
    django_assert_num_queries,
):
    period, _zhang, li = may
    type(period).objects.filter(pk=period.pk).update(published_at=timezone.now())
    client = client_for(personas["assessment_office"])
    url = reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(BREAKDOWN + APPEALS_PANEL):
        response = client.get(url)
    assert response.status_code == 200 and "90.00" in response.content.decode()
    assert 'id="appeal-window"' in response.content.decode()


@pytest.mark.django_db
def test_a_user_with_roles_in_several_towns_still_gets_the_town_switch(
    may,  # noqa: F811 - the fixture
    personas,
    client_for,
    django_assert_num_queries,
):
    from kaoping import testing
    from kaoping.accounts.models import Role, RoleAssignment

    period, _zhang, _li = may
    office = personas["assessment_office"]
    other = testing.make_town("dongcun", "东村镇")
    RoleAssignment.objects.create(user=office, role=Role.ASSESSMENT_OFFICE, town=other)
    client = client_for(office)
    client.get(_ranking(period))
    with django_assert_num_queries(RANKING + 1):  # the towns the switch lists
        page = client.get(_ranking(period)).content.decode()
    assert "东村镇" in page
