"""The demo town's two years of scoring: every screen has data."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from kaoping.audit.services import verify_chain
from kaoping.indicators.models import Scheme
from kaoping.people.models import Cadre, Town
from kaoping.people.selectors import roster
from kaoping.results.models import MonthlyResult
from kaoping.results.selectors import breakdown_lines, with_basis
from kaoping.scoring.models import Adjustment, AdjustmentStatus, Period, PeriodStatus


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_the_demo_has_twenty_six_months_from_october_2024_the_last_still_open(demo):
    periods = list(Period.objects.filter(town__slug="xiacun").order_by("month"))
    assert len(periods) == 26
    assert (periods[0].month, periods[-1].month) == (date(2024, 10, 1), date(2026, 11, 1))
    assert [p.status for p in periods] == [PeriodStatus.PUBLISHED] * 25 + [PeriodStatus.OPEN]
    assert sum(p.month.year == 2025 and p.status == PeriodStatus.PUBLISHED for p in periods) == 12


@pytest.mark.django_db
def test_every_published_month_has_a_ranked_result_for_every_cadre_in_service(demo):
    counts = (
        MonthlyResult.objects.filter(period__town__slug="xiacun", period__status=PeriodStatus.PUBLISHED)
        .values("period__month")
        .annotate(n=Count("id"))
    )
    xiacun = Town.objects.get(slug="xiacun")
    in_service = {c["period__month"]: len(roster(xiacun, c["period__month"])) for c in counts}
    assert {c["period__month"]: c["n"] for c in counts} == in_service
    # 184 places, less the window clerk hired in March 2025, the community instructor retired in June
    # 2025 and the village cadre elected in April 2026, each outside their months.
    assert set(in_service.values()) == {182, 183}
    result = with_basis(MonthlyResult.objects.filter(period__status=PeriodStatus.PUBLISHED, rank=1)).first()
    assert len(breakdown_lines(result)) == 42 and 50 < result.total <= 101


@pytest.mark.django_db
def test_the_agency_scheme_has_the_articles_six_categories_and_42_indicators(demo):
    scheme = Scheme.objects.get(town__slug="xiacun", year=2026, population="agency")
    assert scheme.categories.count() == 6
    assert scheme.indicators.count() == 42


@pytest.mark.django_db
def test_there_are_approved_bonuses_and_deductions_some_shared(demo):
    approved = Adjustment.objects.filter(status=AdjustmentStatus.APPROVED)
    assert approved.filter(kind="bonus").exists() and approved.filter(kind="deduction").exists()
    assert approved.annotate(n=Count("shares")).filter(n=2).exists()  # 一岗双责


@pytest.mark.django_db
def test_the_audit_chain_is_intact_after_the_demo(demo):
    assert verify_chain() == []


@pytest.mark.django_db
def test_the_demo_cadre_transferred_in_july_is_ranked_in_the_pool_of_each_month(demo):
    from kaoping.accounts.models import User

    cadre = User.objects.get(username="cadre").cadre
    groups = dict(
        MonthlyResult.objects.filter(cadre=cadre, period__month__year=2026).values_list(
            "period__month__month", "group"
        )
    )
    assert {groups[m] for m in range(1, 7)} == {"non_established"}
    assert {groups[m] for m in range(7, 11)} == {"established"}
    assert [(p.starts_on.isoformat(), p.agency_category) for p in cadre.postings.order_by("starts_on")] == [
        ("2024-01-01", "non_established"),
        ("2026-07-01", "established"),
    ]


@pytest.mark.django_db
def test_the_demo_village_cadre_who_left_in_november_counts_in_november_only(demo):
    leaver = Cadre.objects.get(town__slug="xiacun", is_active=False, population="village")
    assert leaver.postings.get().starts_on == date(2024, 1, 1)
    assert leaver.deactivated_on == date(2026, 11, 20)
    assert leaver.postings.get().ends_on == date(2026, 11, 20)
    town = leaver.town
    assert leaver.pk in roster(town, date(2026, 11, 1)) and leaver.pk not in roster(town, date(2026, 12, 1))
    assert MonthlyResult.objects.filter(cadre=leaver, period__month=date(2026, 10, 1)).exists()


@pytest.mark.django_db
def test_cadres_hired_retired_and_elected_over_the_two_years_are_ranked_only_while_in_post(demo):
    def months(cadre):
        ranked = MonthlyResult.objects.filter(cadre=cadre, period__status=PeriodStatus.PUBLISHED)
        found = sorted(ranked.values_list("period__month", flat=True))
        return found[0], found[-1], len(found)

    clerk = Cadre.objects.filter(town__slug="xiacun", position="综合窗口受理员").order_by("-pk").first()
    assert months(clerk) == (date(2025, 3, 1), date(2026, 10, 1), 20)
    retired = Cadre.objects.get(town__slug="xiacun", is_active=False, agency_category="community_instructor")
    assert retired.deactivated_on == date(2025, 6, 30)
    assert months(retired) == (date(2024, 10, 1), date(2025, 6, 1), 9)
    village = Cadre.objects.filter(town__slug="xiacun", population="village", is_village_head=False)
    elected = village.order_by("-pk").first()
    assert months(elected) == (date(2026, 4, 1), date(2026, 10, 1), 7)
