"""Building schemes: creation and copying, rule checks, what a published scheme still allows, audit."""

from datetime import date
from decimal import Decimal

import pytest

from kaoping.audit.models import AuditEntry
from kaoping.core.errors import DomainError
from kaoping.indicators import selectors, services
from kaoping.indicators.models import (
    AdjustmentKind,
    AdjustmentReason,
    Indicator,
    IndicatorWeight,
    RuleKind,
    Scheme,
    SchemeStatus,
)
from kaoping.people.models import Population

from .conftest import MARCH, data_for, indicator, make_scheme

pytestmark = pytest.mark.django_db


# --- Creating and copying -----------------------------------------------------------------------


def test_a_new_scheme_is_a_draft_with_a_default_name(town, office):
    scheme = services.scheme_create(actor=office, town=town, year=2026, population=Population.VILLAGE)
    assert scheme.status == SchemeStatus.DRAFT
    assert scheme.name == "2026 Village cadre scheme"
    settings = (scheme.scale, scheme.democratic_share, scheme.bonus_cap_month, scheme.bonus_cap_year)
    assert settings == (100, Decimal("0.2"), 1, 3)
    assert scheme.tie_breaks == ["performance", "democratic"]
    entry = AuditEntry.objects.get(action="scheme.create")
    assert entry.new["population"] == "village" and entry.town == town


def test_a_second_scheme_for_the_same_population_and_year_is_refused(scheme, town, office):
    with pytest.raises(DomainError, match="already has a 2026 scheme for Agency cadre"):
        services.scheme_create(actor=office, town=town, year=2026, population=Population.AGENCY)


def test_copying_last_year_brings_structure_reasons_and_decembers_weights(town, office):
    last = make_scheme(town, year=2025)
    last.bonus_cap_month = Decimal(1)
    last.tie_breaks = ["democratic"]
    last.save()
    AdjustmentReason.objects.create(scheme=last, kind=AdjustmentKind.BONUS, name="改革创新", default_points=1)
    invest = indicator(last, "2.1")
    IndicatorWeight.objects.create(indicator=invest, effective_from=date(2025, 6, 1), weight=Decimal(45))
    IndicatorWeight.objects.create(indicator=invest, effective_from=date(2025, 12, 1), weight=Decimal(40))

    scheme = services.scheme_create(
        actor=office, town=town, year=2026, population=Population.AGENCY, copy_previous=True
    )

    assert list(scheme.categories.values_list("name", flat=True)) == ["党的建设", "新旧动能转换"]
    copied = {i.code: i for i in scheme.indicators.all()}
    assert set(copied) == {"1.1", "1.2", "2.1", "2.2"}
    assert copied["2.1"].rule_kind == RuleKind.COMPLETION and copied["2.1"].target == 3000
    assert copied["2.1"].category.scheme == scheme
    assert copied["1.1"].is_fixed
    january = selectors.weights_in_force(scheme, date(2026, 1, 1))
    assert january == {copied[c].pk: w for c, w in [("1.1", 50), ("1.2", 0), ("2.1", 40), ("2.2", 20)]}
    assert not IndicatorWeight.objects.filter(indicator__scheme=scheme).exclude(
        effective_from=date(2026, 1, 1)
    )
    assert scheme.bonus_cap_month == 1 and scheme.tie_breaks == ["democratic"]
    assert list(scheme.adjustment_reasons.values_list("name", flat=True)) == ["改革创新"]
    # Last year's scheme is untouched.
    assert last.indicators.count() == 4
    assert AuditEntry.objects.filter(action="indicator.create").count() == 4


def test_copying_needs_last_years_scheme(town, office):
    with pytest.raises(DomainError, match="no 2025 scheme for Village cadre to copy"):
        services.scheme_create(
            actor=office, town=town, year=2026, population=Population.VILLAGE, copy_previous=True
        )
    assert not Scheme.objects.exists()


# --- Rule parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rule_kind": RuleKind.COMPLETION}, "target", "A completion rule needs a target greater than 0."),
        (
            {"rule_kind": RuleKind.COMPLETION, "target": Decimal(0)},
            "target",
            "A completion rule needs a target greater than 0.",
        ),
        (
            {"rule_kind": RuleKind.PER_OCCURRENCE},
            "points_each",
            "A per-occurrence rule needs the points per occurrence, greater than 0.",
        ),
        (
            {"rule_kind": RuleKind.VETO},
            "veto_effect",
            "A veto needs its effect: zero the category, or cap the grade.",
        ),
        ({"rule_kind": RuleKind.RANK}, "ladder_step", "A rank ladder needs the points lost per place"),
        ({"max_score": Decimal(0)}, "max_score", "The maximum must be more than 0."),
        ({"standard": "  "}, "standard", "Write the scoring standard"),
        ({"code": "1.1"}, "code", "Another indicator of this scheme has the number 1.1."),
    ],
)
def test_rule_parameters_are_checked_per_kind(scheme, changes, field, message):
    problems = services.indicator_problems(scheme=scheme, data=data_for(scheme, **changes))
    assert message in problems[field]


def test_a_proportional_rank_needs_no_ladder_step(scheme):
    data = data_for(scheme, rule_kind=RuleKind.RANK, proportional=True)
    assert services.indicator_problems(scheme=scheme, data=data) == {}


def test_parameters_a_rule_does_not_use_are_not_stored(scheme, office):
    data = data_for(scheme, rule_kind=RuleKind.MANUAL, target=Decimal(5), points_each=Decimal(1), adds=True)
    created = services.indicator_create(actor=office, scheme=scheme, data=data)
    assert (created.target, created.points_each, created.adds) == (None, None, False)


def test_the_service_refuses_what_the_form_would(scheme, office):
    with pytest.raises(DomainError, match="completion rule needs a target"):
        services.indicator_create(
            actor=office, scheme=scheme, data=data_for(scheme, rule_kind=RuleKind.COMPLETION)
        )
    assert not Indicator.objects.filter(code="9.9").exists()


# --- Audit -------------------------------------------------------------------------------------


def test_an_indicator_change_is_audited_with_old_and_new_values(scheme, office):
    target = indicator(scheme, "2.2")
    data = services.IndicatorData.of(target)
    data.max_score = Decimal(8)
    data.standard = "重点项目形象进度按月评定"
    services.indicator_update(actor=office, indicator=target, data=data)
    entry = AuditEntry.objects.get(action="indicator.update")
    assert entry.actor == office and entry.town == scheme.town
    assert entry.old == {"standard": "按完成情况评分", "max_score": "10.00"}
    assert entry.new == {"standard": "重点项目形象进度按月评定", "max_score": "8"}


def test_a_weight_change_is_audited_on_its_indicator_with_the_weight_before(scheme, office):
    invest = indicator(scheme, "2.1")
    services.weights_set(
        actor=office, scheme=scheme, month=MARCH, weights={invest.pk: Decimal(40)}, note="党委会"
    )
    entry = AuditEntry.objects.get(action="indicator.set_weight")
    assert entry.object_id == str(invest.pk) and entry.town == scheme.town and entry.note == "党委会"
    assert entry.old == {"weight_from": "2026-03", "weight": "30.00"}
    assert entry.new == {"weight_from": "2026-03", "weight": "40"}


def test_settings_changes_are_audited(scheme, office):
    services.scheme_update(
        actor=office,
        scheme=scheme,
        values={"name": scheme.name, "bonus_cap_month": Decimal(1), "tie_breaks": ["bonus"]},
    )
    entry = AuditEntry.objects.get(action="scheme.update")
    assert entry.old == {"bonus_cap_month": None, "tie_breaks": []}
    assert entry.new == {"bonus_cap_month": "1", "tie_breaks": ["bonus"]}


def test_reasons_are_audited_when_added_changed_and_removed(scheme, office):
    reason = services.reason_save(
        actor=office,
        scheme=scheme,
        reason=AdjustmentReason(),
        values={"kind": AdjustmentKind.DEDUCTION, "name": "安全生产", "default_points": Decimal(1)},
    )
    services.reason_save(actor=office, scheme=scheme, reason=reason, values={"name": "安全生产事故"})
    services.reason_delete(actor=office, reason=reason)
    actions = list(
        AuditEntry.objects.filter(object_type="indicators.adjustmentreason")
        .order_by("id")
        .values_list("action", "old", "new")
    )
    assert actions[0][0] == "adjustmentreason.create" and actions[0][2]["name"] == "安全生产"
    assert actions[1] == ("adjustmentreason.update", {"name": "安全生产"}, {"name": "安全生产事故"})
    assert actions[2][0] == "adjustmentreason.delete" and actions[2][1]["name"] == "安全生产事故"
    assert not AdjustmentReason.objects.exists()


# --- Publishing --------------------------------------------------------------------------------


def test_publishing_needs_indicators_and_weights(town, office):
    empty = services.scheme_create(actor=office, town=town, year=2026, population=Population.VILLAGE)
    with pytest.raises(DomainError, match="without indicators"):
        services.scheme_set_status(actor=office, scheme=empty, status=SchemeStatus.PUBLISHED)
    services.indicator_create(
        actor=office, scheme=empty, data=data_for(empty, category=_category(office, empty))
    )
    with pytest.raises(DomainError, match="Set the weights"):
        services.scheme_set_status(actor=office, scheme=empty, status=SchemeStatus.PUBLISHED)


def _category(office, scheme):
    from kaoping.indicators.models import Category

    return services.category_save(actor=office, scheme=scheme, category=Category(), name="乡村振兴")


def test_a_scheme_moves_draft_published_archived_and_never_back(scheme, office):
    with pytest.raises(DomainError, match="cannot become"):
        services.scheme_set_status(actor=office, scheme=scheme, status=SchemeStatus.ARCHIVED)
    services.scheme_set_status(actor=office, scheme=scheme, status=SchemeStatus.PUBLISHED)
    with pytest.raises(DomainError, match="cannot become"):
        services.scheme_set_status(actor=office, scheme=scheme, status=SchemeStatus.DRAFT)
    services.scheme_set_status(actor=office, scheme=scheme, status=SchemeStatus.ARCHIVED)
    entries = AuditEntry.objects.filter(action__in=["scheme.publish", "scheme.archive"]).order_by("id")
    assert [(e.old, e.new) for e in entries] == [
        ({"status": "draft"}, {"status": "published"}),
        ({"status": "published"}, {"status": "archived"}),
    ]


@pytest.fixture
def published(scheme, office):
    services.scheme_set_status(actor=office, scheme=scheme, status=SchemeStatus.PUBLISHED)
    scheme.refresh_from_db()
    return scheme


def test_a_published_scheme_still_takes_new_weight_versions(published, office):
    invest = indicator(published, "2.1")
    services.weights_set(actor=office, scheme=published, month=MARCH, weights={invest.pk: Decimal(40)})
    assert selectors.weights_in_force(published, MARCH)[invest.pk] == 40


def test_a_published_indicators_wording_can_be_corrected(published, office):
    target = indicator(published, "2.2")
    data = services.IndicatorData.of(target)
    data.name = "重点项目建设推进"
    services.indicator_update(actor=office, indicator=target, data=data)
    target.refresh_from_db()
    assert target.name == "重点项目建设推进"


def test_a_published_indicators_rule_and_maximum_are_frozen(published, office):
    target = indicator(published, "2.2")
    data = services.IndicatorData.of(target)
    data.max_score = Decimal(5)
    with pytest.raises(DomainError, match="can no longer change"):
        services.indicator_update(actor=office, indicator=target, data=data)
    target.refresh_from_db()
    assert target.max_score == 10


def test_a_published_scheme_takes_a_new_indicator_from_a_month(published, office):
    added = services.indicator_create(
        actor=office,
        scheme=published,
        data=data_for(published, item_kind="ad_hoc"),
        weight=Decimal(10),
        weight_from=MARCH,
    )
    assert added.pk not in selectors.weights_in_force(published, date(2026, 2, 1))
    assert selectors.weights_in_force(published, MARCH)[added.pk] == 10


def test_a_published_schemes_settings_are_frozen_except_its_name(published, office):
    with pytest.raises(DomainError, match="Only the name can"):
        services.scheme_update(actor=office, scheme=published, values={"name": "x", "scale": Decimal(120)})
    services.scheme_update(actor=office, scheme=published, values={"name": "2026年度机关干部考核指标体系"})
    published.refresh_from_db()
    assert published.name == "2026年度机关干部考核指标体系" and published.scale == 100


def test_a_published_catalogue_keeps_its_reasons(published, office):
    reason = AdjustmentReason.objects.create(scheme=published, kind=AdjustmentKind.BONUS, name="招商引资")
    with pytest.raises(DomainError, match="published"):
        services.reason_delete(actor=office, reason=reason)
    assert AdjustmentReason.objects.filter(pk=reason.pk).exists()


def test_an_archived_scheme_changes_no_more(published, office):
    services.scheme_set_status(actor=office, scheme=published, status=SchemeStatus.ARCHIVED)
    published.refresh_from_db()
    invest = indicator(published, "2.1")
    with pytest.raises(DomainError, match="archived"):
        services.weights_set(actor=office, scheme=published, month=MARCH, weights={invest.pk: Decimal(40)})
    with pytest.raises(DomainError, match="archived"):
        services.indicator_create(actor=office, scheme=published, data=data_for(published))
