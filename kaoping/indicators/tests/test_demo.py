"""The demo schemes: the article's 6 categories and 42 indicators, every rule kind, weights adding to 100."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from kaoping.engine import engine
from kaoping.indicators import demo, rules, selectors
from kaoping.indicators.models import AdjustmentKind, Indicator, RuleKind, Scheme
from kaoping.people.models import Population

pytestmark = pytest.mark.django_db


@pytest.fixture
def schemes(town):
    demo.load_demo_schemes(town, 2025)
    demo.load_demo_schemes(town, 2026)
    return {s.population: s for s in Scheme.objects.filter(town=town, year=2026)}


def test_the_agency_scheme_has_the_articles_six_categories_and_42_indicators(schemes):
    agency = schemes[Population.AGENCY]
    assert list(agency.categories.values_list("name", flat=True)) == [
        "党的建设",
        "新旧动能转换",
        "乡村振兴",
        "民生服务保障",
        "防范化解风险",
        "督促落实",
    ]
    assert agency.indicators.count() == 42
    assert {i.rule_kind for i in agency.indicators.all()} == set(RuleKind.values)


def test_agency_weights_add_up_to_100_in_january_and_after_the_may_change(schemes):
    agency = schemes[Population.AGENCY]
    for month in (1, 4, 5, 12):
        assert sum(selectors.weights_in_force(agency, date(2026, month, 1)).values()) == 100
    invest = Indicator.objects.get(scheme=agency, name="招商引资")
    assert selectors.weights_in_force(agency, date(2026, 4, 1))[invest.pk] == 7
    assert selectors.weights_in_force(agency, date(2026, 5, 1))[invest.pk] == 9


def test_every_population_has_a_scheme_from_the_same_catalogue_with_its_own_weights(schemes):
    assert set(schemes) == set(Population.values)
    names = {p: set(s.indicators.values_list("name", flat=True)) for p, s in schemes.items()}
    assert names[Population.LEADERSHIP] < names[Population.AGENCY]
    assert names[Population.VILLAGE] < names[Population.AGENCY]
    for scheme in schemes.values():
        assert sum(selectors.weights_in_force(scheme, date(2026, 1, 1)).values()) == 100


def test_party_building_credit_and_public_demands_are_fixed(schemes):
    fixed = Indicator.objects.filter(scheme=schemes[Population.AGENCY], is_fixed=True)
    assert {"信用建设", "民生诉求办理"} <= set(fixed.values_list("name", flat=True))
    assert set(fixed.values_list("category__name", flat=True)) == {"党的建设", "民生服务保障"}


def test_every_demo_indicator_passes_the_rule_checks_and_the_engine_accepts_it(schemes):
    for scheme in schemes.values():
        codes = Counter(scheme.indicators.values_list("code", flat=True))
        assert max(codes.values()) == 1
        for indicator in scheme.indicators.all():
            assert rules.problems(indicator) == {}, indicator
            assert indicator.standard
        version = selectors.scheme_version(scheme, date(2026, 6, 1))
        entries = [
            engine.Entry(1, spec.id, spec.rule.max_score if spec.rule.kind == "manual" else Decimal(1))
            for spec in version.indicators
        ]
        assert engine.compute(version, [1], entries)[1].total > 0


def test_the_reasons_cover_the_articles_bonuses_and_deductions_with_caps(schemes):
    agency = schemes[Population.AGENCY]
    reasons = set(agency.adjustment_reasons.values_list("kind", "name"))
    for name in ("改革创新", "招商引资", "争先创优（省级）"):
        assert (AdjustmentKind.BONUS, name) in reasons
    for name in ("全面从严治党", "党风廉政建设", "意识形态", "社会稳定", "安全生产", "生态环境"):
        assert (AdjustmentKind.DEDUCTION, name) in reasons
    assert (agency.bonus_cap_month, agency.bonus_cap_year) == (1, 3)


def test_2025_is_there_for_history_without_the_may_change(town, schemes):
    agency_2025 = Scheme.objects.get(town=town, year=2025, population=Population.AGENCY)
    invest = Indicator.objects.get(scheme=agency_2025, name="招商引资")
    assert selectors.weights_in_force(agency_2025, date(2025, 12, 1))[invest.pk] == 7
