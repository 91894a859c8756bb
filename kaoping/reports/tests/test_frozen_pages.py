"""A published month's ranking and breakdown pages are served from what was frozen (frozen.py).

Worked example (test_corrections.py's May 2026): 王小明 100.00 (#1) and 李强 90.00 (#2), published.
The second request of the ranking reads the kept table (fewer queries, the same rows); a correction
published (李强 90.00 → 92.00) shows at once; an open month is worked out at every request; whoever
may not see the month gets no page, kept or not; languages and filters each have their own page.
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaoping.people.models import ResultsDisclosure, Town
from kaoping.reports import frozen
from kaoping.results import corrections, results
from kaoping.results.models import Correction, MonthlyResult
from kaoping.results.tests.test_corrections import later_input, may  # noqa: F401 - fixtures, named as the tests' arguments
from kaoping.scoring.models import Period, PeriodStatus


def _get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _main(page: str) -> str:
    """The page's content, without the navigation and the per-request CSRF token."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def _ranking(period: Period, **query: str) -> str:
    url = reverse("scoring:ranking", args=[period.town.slug, f"{period.month:%Y-%m}"])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _rows(page: str) -> list[tuple[str, str]]:
    """(name, score) of each ranked row, as shown."""
    return re.findall(
        r'/cadres/\d+/">([^<]+)</a>.*?<td class="text-end font-monospace">([\d.]+)</td>', page, re.S
    )


@pytest.mark.django_db
def test_a_published_months_ranking_is_served_again_from_what_was_kept(may, personas, client_for):  # noqa: F811 - the fixture
    period, zhang, li = may
    client = client_for(personas["assessment_office"])
    first, first_queries = _get(client, _ranking(period))
    second, second_queries = _get(client, _ranking(period))
    assert _rows(first) == [("王小明", "100.00"), ("李强", "90.00")]
    assert _main(second) == _main(first)
    assert second_queries < first_queries
    assert (
        second_queries <= 8
    )  # session, user, town, roles, month, the months' state, the nav's towns, the unread messages


@pytest.mark.django_db
def test_a_published_months_breakdown_is_served_again_from_what_was_kept(may, personas, client_for):  # noqa: F811 - the fixture
    period, zhang, li = may
    client = client_for(personas["assessment_office"])
    url = reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])
    first, first_queries = _get(client, url)
    second, second_queries = _get(client, url)
    assert "90.00" in first and "安全检查" in first
    assert _main(second) == _main(first)
    assert second_queries < first_queries


@pytest.mark.django_db
def test_a_correction_published_shows_at_once(later_input, personas, client_for):  # noqa: F811 - the fixture
    period, zhang, li = later_input
    # A town that shows every cadre everyone's breakdown (Town.results_disclosure), so that the cadre
    # reads a colleague's page.
    Town.objects.filter(pk=period.town_id).update(results_disclosure=ResultsDisclosure.ALL_BREAKDOWNS)
    office = personas["assessment_office"]
    cadre = client_for(personas["cadre"])
    breakdown = reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])
    assert _rows(_get(cadre, _ranking(period))[0]) == [("王小明", "100.00"), ("李强", "90.00")]
    _get(cadre, breakdown)
    results.recompute_months(period.town, [period.month], actor=personas["supervision_office"], cause="核验")
    # A pending correction changes nothing shown.
    assert _rows(_get(cadre, _ranking(period))[0]) == [("王小明", "100.00"), ("李强", "90.00")]
    correction = Correction.objects.get()
    corrections.correction_publish(
        actor=office,
        correction=correction,
        reason="核验结果计入",
        based_on=correction.version,
        confirmed=True,
    )
    page = _get(cadre, _ranking(period))[0]
    assert _rows(page) == [("王小明", "100.00"), ("李强", "92.00")]
    assert 'id="month-corrected"' in page
    text = _get(cadre, breakdown)[0]
    assert "核验结果计入" in text and "92.00" in text


@pytest.mark.django_db
def test_an_open_month_is_worked_out_at_every_request(may, personas, client_for):  # noqa: F811 - the fixture
    period, zhang, li = may
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.OPEN)
    client = client_for(personas["assessment_office"])
    url = reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])
    first, first_queries = _get(client, _ranking(period))
    second, second_queries = _get(client, _ranking(period))
    assert second_queries == first_queries
    _get(client, url)
    MonthlyResult.objects.filter(cadre=li).update(total=Decimal("95.00"))
    assert _rows(_get(client, _ranking(period))[0]) == [("王小明", "100.00"), ("李强", "95.00")]
    assert "95.00" in _get(client, url)[0]
    assert frozen.ranking_key(period, "agency", "", "month", [period.month], published_only=False) is None


@pytest.mark.django_db
def test_whoever_may_not_see_the_month_gets_no_page_even_when_it_is_kept(may, personas, client_for, client):  # noqa: F811 - the fixture
    period, zhang, li = may
    breakdown = reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])
    _get(client_for(personas["assessment_office"]), _ranking(period))
    _get(client_for(personas["assessment_office"]), breakdown)
    for outsider in (personas["other_town_admin"], personas["no_role"]):
        client = client_for(outsider)
        assert client.get(_ranking(period)).status_code in (403, 404)
        assert client.get(breakdown).status_code in (403, 404)
    client.logout()
    assert client.get(_ranking(period)).status_code == 302  # to the login page
    assert client.get(breakdown).status_code == 302


@pytest.mark.django_db
def test_a_closed_month_kept_for_nobody_is_not_shown_to_a_cadre(may, personas, client_for):  # noqa: F811 - the fixture
    period, zhang, li = may
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.CLOSED)
    _get(client_for(personas["assessment_office"]), _ranking(period))
    cadre = client_for(personas["cadre"])
    assert cadre.get(_ranking(period)).status_code == 404
    assert (
        cadre.get(reverse("scoring:breakdown", args=[period.town.slug, "2026-05", li.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_languages_filters_and_what_a_role_may_see_are_kept_apart(may, personas, client_for):  # noqa: F811 - the fixture
    period, zhang, li = may
    client = client_for(personas["assessment_office"])
    chinese = _main(_get(client, _ranking(period), HTTP_ACCEPT_LANGUAGE="zh-hans")[0])
    english = _main(_get(client, _ranking(period), HTTP_ACCEPT_LANGUAGE="en")[0])
    assert "名次" in chinese and ">Rank<" not in chinese
    assert ">Rank<" in english and "名次" not in english
    assert _main(_get(client, _ranking(period), HTTP_ACCEPT_LANGUAGE="zh-hans")[0]) == chinese
    village = _main(_get(client, _ranking(period, population="village"), HTTP_ACCEPT_LANGUAGE="en")[0])
    assert "王小明" not in village and "李强" not in village
    quarter = _main(_get(client, _ranking(period, span="quarter"), HTTP_ACCEPT_LANGUAGE="en")[0])
    assert quarter != english and "Mean of the monthly totals" in quarter
    # The office and a cadre have their own keys (an office may see months a cadre may not).
    office_key = frozen.ranking_key(period, "agency", "", "month", [period.month], published_only=False)
    cadre_key = frozen.ranking_key(period, "agency", "", "month", [period.month], published_only=True)
    assert office_key is not None and cadre_key is not None and office_key != cadre_key
