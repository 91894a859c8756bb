from datetime import date
from decimal import Decimal

import pytest

from kaoping.indicators import services
from kaoping.indicators.models import Category, Indicator, IndicatorWeight, RuleKind, Scheme
from kaoping.people.models import Population
from kaoping.testing import site_in_english  # noqa: F401 (fixtures)


@pytest.fixture
def office_client(client_for, office):
    return client_for(office)


def make_indicator(scheme: Scheme, category: Category, code: str, weight=None, **fields) -> Indicator:
    values = {"name": f"指标{code}", "standard": "按完成情况评分", "max_score": Decimal(10), **fields}
    indicator = Indicator.objects.create(scheme=scheme, category=category, code=code, **values)
    if weight is not None:
        IndicatorWeight.objects.create(
            indicator=indicator, effective_from=scheme.month(1), weight=Decimal(weight)
        )
    return indicator


def make_scheme(town, year: int = 2026, population: str = Population.AGENCY) -> Scheme:
    """A draft scheme: two categories, indicators weighted 50 / 0 (a veto) / 30 / 20 from January."""
    scheme = Scheme.objects.create(town=town, year=year, population=population, name=f"{year} {population}")
    party = Category.objects.create(scheme=scheme, name="党的建设", sort_order=1)
    growth = Category.objects.create(scheme=scheme, name="新旧动能转换", sort_order=2)
    make_indicator(scheme, party, "1.1", 50, name="基层党组织建设", is_fixed=True)
    make_indicator(
        scheme, party, "1.2", 0, name="党风廉政一票否决", rule_kind=RuleKind.VETO, veto_effect="cap_grade"
    )
    make_indicator(
        scheme, growth, "2.1", 30, name="招商引资", rule_kind=RuleKind.COMPLETION, target=Decimal(3000)
    )
    make_indicator(scheme, growth, "2.2", 20, name="重点项目建设", sort_order=4)
    return scheme


@pytest.fixture
def scheme(town):
    return make_scheme(town)


def indicator(scheme: Scheme, code: str) -> Indicator:
    return Indicator.objects.get(scheme=scheme, code=code)


def data_for(scheme: Scheme, **changes) -> services.IndicatorData:
    values = {
        "category": scheme.categories.first(),
        "code": "9.9",
        "name": "新指标",
        "standard": "按完成情况评分",
        "max_score": Decimal(5),
    }
    values.update(changes)
    return services.IndicatorData(**values)


JANUARY, FEBRUARY, MARCH, APRIL = (date(2026, m, 1) for m in (1, 2, 3, 4))
