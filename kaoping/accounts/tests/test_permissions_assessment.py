"""The permission matrix for schemes and monthly scoring: every role × every page, written by hand."""

from datetime import date

import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.scoring.models import Period, PeriodStatus, ScoreSheet

R = Role
STAFF = {
    R.TOWN_ADMIN,
    R.ASSESSMENT_OFFICE,
    R.SUPERVISION_OFFICE,
    R.PARTY_BUILDING_OFFICE,
    R.GROUP_LEADER,
    R.SCORER,
    R.MAIN_LEADER,
    R.CITY_ADMIN,
}
RESULTS_EARLY = {R.ASSESSMENT_OFFICE, R.MAIN_LEADER, R.GROUP_LEADER, R.SCORER, R.CITY_ADMIN}


@pytest.fixture
def assessment(town):
    scheme = testing.make_scheme(town, status="published")
    open_month = Period.objects.create(town=town, month=date(2026, 11, 1))
    published = Period.objects.create(town=town, month=date(2026, 10, 1), status=PeriodStatus.PUBLISHED)
    sheet = ScoreSheet.objects.create(period=open_month, scheme=scheme)
    ScoreSheet.objects.create(period=published, scheme=scheme, status="approved")
    return scheme, sheet


def expected(role, allowed, hidden=frozenset(), elsewhere=403):
    """200 for the allowed roles, 404 where the page is hidden from a role, `elsewhere` otherwise."""
    if role in allowed:
        return 200
    return 404 if role in hidden else elsewhere


# (route name, kwargs builder, allowed roles, roles for whom the page does not exist yet)
PAGES = [
    ("indicators:scheme_list", lambda t, s, sh: {"town": t.slug}, STAFF | {R.CADRE}, set()),
    ("indicators:scheme_detail", lambda t, s, sh: {"town": t.slug, "pk": s.pk}, STAFF | {R.CADRE}, set()),
    ("indicators:weights_edit", lambda t, s, sh: {"town": t.slug, "pk": s.pk}, {R.ASSESSMENT_OFFICE}, set()),
    ("indicators:scheme_create", lambda t, s, sh: {"town": t.slug}, {R.ASSESSMENT_OFFICE}, set()),
    ("scoring:period_list", lambda t, s, sh: {"town": t.slug}, STAFF | {R.CADRE}, set()),
    # An open month is for the office and the leaders; the rest of the town sees it once published.
    (
        "scoring:period_detail",
        lambda t, s, sh: {"town": t.slug, "month": "2026-11"},
        RESULTS_EARLY,
        STAFF - RESULTS_EARLY | {R.CADRE},
    ),
    (
        "scoring:ranking",
        lambda t, s, sh: {"town": t.slug, "month": "2026-11"},
        RESULTS_EARLY,
        STAFF - RESULTS_EARLY | {R.CADRE},
    ),
    ("scoring:ranking", lambda t, s, sh: {"town": t.slug, "month": "2026-10"}, STAFF | {R.CADRE}, set()),
    (
        "scoring:sheet_grid",
        lambda t, s, sh: {"town": t.slug, "month": "2026-11", "sheet": sh.pk},
        RESULTS_EARLY,
        set(),
    ),
    ("scoring:adjustment_list", lambda t, s, sh: {"town": t.slug, "month": "2026-11"}, RESULTS_EARLY, set()),
    (
        "scoring:adjustment_create",
        lambda t, s, sh: {"town": t.slug, "month": "2026-11"},
        {R.ASSESSMENT_OFFICE},
        set(),
    ),
]


def _cases():
    for index, (name, kwargs, allowed, hidden) in enumerate(PAGES):
        for role in Role:
            yield pytest.param(
                name, kwargs, role, expected(role, allowed, hidden), id=f"{index}-{name}-{role.value}"
            )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "role", "status"), list(_cases()))
def test_each_role_gets_exactly_the_assessment_pages_it_is_allowed(
    client_for, personas, town, assessment, name, kwargs, role, status
):
    scheme, sheet = assessment
    response = client_for(personas[role.value]).get(reverse(name, kwargs=kwargs(town, scheme, sheet)))
    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), [(p[0], p[1]) for p in PAGES])
def test_a_user_of_another_town_gets_not_found_for_every_assessment_page(
    client_for, personas, town, assessment, name, kwargs
):
    scheme, sheet = assessment
    response = client_for(personas["other_town_admin"]).get(reverse(name, kwargs=kwargs(town, scheme, sheet)))
    assert response.status_code == 404
