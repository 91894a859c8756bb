"""What a cadre sees of colleagues' published results is the town's setting (`Town.results_disclosure`),
enforced by accounts.permissions, on the pages and in the Excel export alike; leaders and offices
see everyone's whatever the setting.

Worked example: May 2026 published, 王小明 (the cadre persona) 85.00 rank 2, 李强 90.00 rank 1."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kaoping import testing
from kaoping.accounts.models import Role
from kaoping.accounts.permissions import may_see_breakdown, ranking_limited_to
from kaoping.audit.models import AuditEntry
from kaoping.people.models import ResultsDisclosure, Town
from kaoping.results.models import MonthlyResult
from kaoping.scoring.models import Period, PeriodStatus

pytestmark = pytest.mark.django_db

PUBLIC, ALL, OWN = (
    ResultsDisclosure.RANKING_PUBLIC,
    ResultsDisclosure.ALL_BREAKDOWNS,
    ResultsDisclosure.OWN_ONLY,
)
# Roles of the town that see published results, besides the cadre: they always see everyone's.
STAFF = [
    Role.TOWN_ADMIN,
    Role.ASSESSMENT_OFFICE,
    Role.SUPERVISION_OFFICE,
    Role.PARTY_BUILDING_OFFICE,
    Role.GROUP_LEADER,
    Role.SCORER,
    Role.MAIN_LEADER,
    Role.CITY_ADMIN,
]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def may(town, personas):
    scheme = testing.make_scheme(town)
    mine, colleague = personas["cadre"].cadre, testing.make_cadre(town, "李强", 1)
    period = Period.objects.create(town=town, month=date(2026, 5, 1), status=PeriodStatus.PUBLISHED)
    for cadre, total, rank in ((colleague, "90.00", 1), (mine, "85.00", 2)):
        MonthlyResult.objects.create(
            period=period,
            cadre=cadre,
            scheme=scheme,
            total=Decimal(total),
            performance=Decimal(total),
            bonus=0,
            deduction=0,
            rank=rank,
            group=cadre.agency_category,
            group_rank=rank,
            breakdown={},
        )
    return mine, colleague


def _set(town, disclosure):
    Town.objects.filter(pk=town.pk).update(results_disclosure=disclosure)


def _breakdown(town, cadre):
    return reverse("scoring:breakdown", args=[town.slug, "2026-05", cadre.pk])


def _ranking(town, name="ranking"):
    return reverse(f"scoring:{name}", args=[town.slug, "2026-05"]) + "?population=agency"


# (setting, cadre sees a colleague's breakdown, cadre sees the colleague's row in the ranking)
MATRIX = [(PUBLIC, False, True), (ALL, True, True), (OWN, False, False)]


@pytest.mark.parametrize(("disclosure", "colleague_breakdown", "colleague_row"), MATRIX)
def test_a_cadre_sees_of_colleagues_what_the_town_setting_allows(
    client_for, personas, town, may, disclosure, colleague_breakdown, colleague_row
):
    _set(town, disclosure)
    mine, colleague = may
    client = client_for(personas["cadre"])
    assert client.get(_breakdown(town, mine)).status_code == 200  # their own, always
    assert client.get(_breakdown(town, colleague)).status_code == (200 if colleague_breakdown else 403)
    page = client.get(_ranking(town)).content.decode()
    assert ("李强" in page) == colleague_row
    assert "王小明" in page
    # A name links to a breakdown only where it opens: no link answers 403.
    assert (_breakdown(town, colleague) in page) == colleague_breakdown
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(_ranking(town, "ranking_export")).content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == (["李强", "王小明"] if colleague_row else ["王小明"])  # the export shows no more


@pytest.mark.parametrize("disclosure", [PUBLIC, ALL, OWN])
@pytest.mark.parametrize("role", STAFF)
def test_leaders_and_offices_see_everyones_results_whatever_the_setting(
    client_for, personas, town, may, role, disclosure
):
    _set(town, disclosure)
    mine, colleague = may
    client = client_for(personas[role.value])
    assert client.get(_breakdown(town, colleague)).status_code == 200
    page = client.get(_ranking(town)).content.decode()
    assert "李强" in page and _breakdown(town, colleague) in page


def test_the_policy_functions_as_a_matrix(personas, town, may):
    mine, colleague = may
    for disclosure, colleague_breakdown, colleague_row in MATRIX:
        _set(town, disclosure)
        town.refresh_from_db()
        cadre = personas["cadre"]
        assert may_see_breakdown(cadre, town, mine.pk)
        assert may_see_breakdown(cadre, town, colleague.pk) == colleague_breakdown
        assert ranking_limited_to(cadre, town) == (None if colleague_row else mine.pk)
        for role in STAFF:
            assert may_see_breakdown(personas[role.value], town, colleague.pk), role
            assert ranking_limited_to(personas[role.value], town) is None, role
        # Nobody of another town, nor the auditor, reads a breakdown.
        assert not may_see_breakdown(personas["other_town_admin"], town, mine.pk)
        assert not may_see_breakdown(personas[Role.AUDITOR.value], town, mine.pk)


def test_the_default_is_the_public_ranking_with_each_ones_own_breakdown(town):
    assert town.results_disclosure == PUBLIC


def test_the_city_administrator_sets_it_on_the_towns_configuration_page_and_it_is_audited(
    client_for, personas, town
):
    client = client_for(personas["city_admin"])
    url = reverse("people:town_edit", args=[town.pk])
    page = client.get(url).content.decode()
    assert "Every cadre sees the published ranking and everyone&#x27;s line-by-line breakdown" in page
    response = client.post(
        url,
        {
            "name": town.name,
            "slug": town.slug,
            "city": town.city,
            "is_active": "on",
            "results_disclosure": OWN,
            "version": town.version,
        },
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.results_disclosure == OWN
    entry = AuditEntry.objects.filter(action="town.update").latest("pk")
    assert entry.new == {"results_disclosure": OWN}
    # Anything but a listed choice is refused, nothing changed.
    response = client.post(
        url,
        {"name": town.name, "slug": town.slug, "results_disclosure": "everything", "version": town.version},
    )
    assert response.status_code == 200
    town.refresh_from_db()
    assert town.results_disclosure == OWN
