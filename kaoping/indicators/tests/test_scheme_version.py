"""What the scoring app gets: the scheme as the engine computes a month with it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaoping.engine import engine
from kaoping.indicators import selectors, services
from kaoping.indicators.models import Population

from .conftest import MARCH, data_for, indicator

pytestmark = pytest.mark.django_db


def test_the_engine_gets_each_indicators_rule_weight_and_category(scheme):
    scheme.bonus_cap_month = Decimal(1)
    scheme.bonus_cap_year = Decimal(3)
    scheme.save()
    version = selectors.scheme_version(scheme, date(2026, 2, 1))
    specs = {s.name: s for s in version.indicators}
    assert set(specs) == {"1.1 基层党组织建设", "1.2 党风廉政一票否决", "2.1 招商引资", "2.2 重点项目建设"}
    invest = specs["2.1 招商引资"]
    assert invest.weight == 30 and invest.category_name == "新旧动能转换"
    assert invest.category_id == indicator(scheme, "2.1").category_id
    assert invest.rule == engine.Rule(
        kind=engine.RuleKind.COMPLETION, max_score=Decimal(10), target=Decimal(3000)
    )
    veto = specs["1.2 党风廉政一票否决"]
    assert veto.weight == 0 and veto.rule.veto_effect == engine.VetoEffect.CAP_GRADE
    assert (version.scale, version.democratic_share) == (100, Decimal("0.2"))
    assert (version.bonus_cap_month, version.bonus_cap_year, version.deduction_cap_month) == (1, 3, None)


def test_each_month_is_computed_with_its_own_weights(scheme, office):
    invest = indicator(scheme, "2.1")
    services.weights_set(actor=office, scheme=scheme, month=MARCH, weights={invest.pk: Decimal(80)})
    cadre = 1
    # Full marks on 基层党组织建设 only: its share of the weights decides the score.
    entries = [engine.Entry(cadre, indicator(scheme, "1.1").pk, Decimal(10))]
    february = engine.compute(selectors.scheme_version(scheme, date(2026, 2, 1)), [cadre], entries)
    march = engine.compute(selectors.scheme_version(scheme, MARCH), [cadre], entries)
    assert february[cadre].total == Decimal("50.00")  # 50 of 100
    assert march[cadre].total == Decimal("33.33")  # 50 of 150


def test_an_indicator_not_yet_weighted_is_left_out(scheme, office):
    added = services.indicator_create(
        actor=office, scheme=scheme, data=data_for(scheme), weight=1, weight_from=MARCH
    )
    assert added.pk not in {s.id for s in selectors.scheme_version(scheme, date(2026, 2, 1)).indicators}
    assert added.pk in {s.id for s in selectors.scheme_version(scheme, MARCH).indicators}


def test_scheme_version_takes_two_queries(scheme):
    with CaptureQueriesContext(connection) as queries:
        version = selectors.scheme_version(scheme, MARCH)
    assert len(queries) == 2
    # ... and they read the whole scheme: every indicator with its weight, rule and category.
    assert {s.name: s.weight for s in version.indicators} == {
        "1.1 基层党组织建设": 50,
        "1.2 党风廉政一票否决": 0,
        "2.1 招商引资": 30,
        "2.2 重点项目建设": 20,
    }
    assert {s.category_name for s in version.indicators} == {"党的建设", "新旧动能转换"}
    assert version.scale == 100


def test_scheme_for_finds_the_towns_scheme_of_a_population_and_year(scheme, town, other_town):
    assert selectors.scheme_for(town, 2026, Population.AGENCY) == scheme
    assert selectors.scheme_for(town, 2025, Population.AGENCY) is None
    assert selectors.scheme_for(other_town, 2026, Population.AGENCY) is None


def test_the_scheme_table_reads_in_three_queries_with_history(scheme, office):
    invest = indicator(scheme, "2.1")
    services.weights_set(actor=office, scheme=scheme, month=MARCH, weights={invest.pk: Decimal(40)})
    with CaptureQueriesContext(connection) as queries:
        table = selectors.scheme_table(scheme, date(2026, 2, 1))
        rows = {r.indicator.code: r for b in table.blocks for r in b.rows}
    assert len(queries) == 3
    assert [b.category.name for b in table.blocks] == ["党的建设", "新旧动能转换"]
    assert rows["2.1"].weight == 30 and [v.weight for v in rows["2.1"].history] == [30, 40]
    assert table.weight == 100 and table.blocks[1].weight == 50
    assert selectors.scheme_table(scheme, MARCH).changed_this_month == 1
    assert selectors.scheme_table(scheme, date(2026, 1, 1)).changed_this_month == 0
