"""The demo town's year of scoring: every screen has data."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from kaoping.audit.services import verify_chain
from kaoping.indicators.models import Scheme
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
def test_the_demo_has_twelve_months_the_last_still_open(demo):
    periods = list(Period.objects.filter(town__slug="xiacun").order_by("month"))
    assert len(periods) == 12
    assert [p.status for p in periods] == [PeriodStatus.PUBLISHED] * 11 + [PeriodStatus.OPEN]


@pytest.mark.django_db
def test_every_published_month_has_a_ranked_result_for_every_cadre_in_service(demo):
    counts = (
        MonthlyResult.objects.filter(period__status=PeriodStatus.PUBLISHED)
        .values("period")
        .annotate(n=Count("id"))
    )
    assert {c["n"] for c in counts} == {184}
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
        ("2025-01-01", "non_established"),
        ("2026-07-01", "established"),
    ]


@pytest.mark.django_db
def test_the_demo_village_cadre_who_left_in_november_counts_in_november_only(demo):
    from datetime import date

    from kaoping.people.models import Cadre
    from kaoping.people.selectors import roster

    leaver = Cadre.objects.get(town__slug="xiacun", is_active=False)
    assert leaver.deactivated_on == date(2026, 11, 20)
    assert leaver.postings.get().ends_on == date(2026, 11, 20)
    town = leaver.town
    assert leaver.pk in roster(town, date(2026, 11, 1)) and leaver.pk not in roster(town, date(2026, 12, 1))
    assert MonthlyResult.objects.filter(cadre=leaver, period__month=date(2026, 10, 1)).exists()
