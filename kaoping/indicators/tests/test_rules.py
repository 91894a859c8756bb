"""Rules in words and their parameters (no database)."""

from decimal import Decimal

import pytest
from django.utils import translation

from kaoping.indicators import rules
from kaoping.indicators.services import IndicatorData


def params(kind, **values):
    values.setdefault("max_score", Decimal(4))
    return IndicatorData(category=None, code="1", name="x", standard="x", rule_kind=kind, **values)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (params("manual"), "Scored by hand, from 0 to 4."),
        (
            params("completion", target=Decimal(3000)),
            "Completion of a target of 3000: 4 × achieved ÷ target, at most 4.",
        ),
        (params("pass_fail"), "Passed: 4; failed: 0."),
        (
            params("per_occurrence", points_each=Decimal("0.5"), cap=Decimal(2)),
            "4, less 0.5 per occurrence, at most 2 deducted.",
        ),
        (params("per_occurrence", points_each=Decimal(1), adds=True), "1 per occurrence, up to 4."),
        (
            params("rank", ladder_step=Decimal("0.5")),
            "1st place 4, each place below 0.5 less (2nd 3.5, 3rd 3).",
        ),
        (params("rank", proportional=True), "4 × value ÷ the best value among peers."),
        (
            params("veto", veto_effect="zero_category"),
            "Veto (一票否决): a failure zeroes the whole category.",
        ),
        (
            params("veto", veto_effect="cap_grade"),
            "Veto (一票否决): a failure caps the grade (no honours that year).",
        ),
    ],
)
def test_each_rule_reads_as_a_sentence(data, words):
    assert rules.describe(data) == words


def test_numbers_read_as_people_write_them():
    assert [rules.number(Decimal(v)) for v in ("7.00", "0.50", "100", "12.25")] == [
        "7",
        "0.5",
        "100",
        "12.25",
    ]


def test_a_proportional_rank_drops_its_ladder_step():
    data = params("rank", proportional=True, ladder_step=Decimal(1), target=Decimal(3))
    rules.normalized(data)
    assert (data.ladder_step, data.target, data.proportional) == (None, None, True)


def test_a_cap_must_be_positive_when_given():
    data = params("per_occurrence", points_each=Decimal(1), cap=Decimal(0))
    assert "cap" in rules.problems(data)


MAXIMUM = "The maximum must be more than 0."
TARGET = "A completion rule needs a target greater than 0."
EACH = "A per-occurrence rule needs the points per occurrence, greater than 0."
CAP = "The cap must be more than 0, or left empty to stop at the maximum."
LADDER = (
    "A rank ladder needs the points lost per place, greater than 0 (or choose “proportional to the best”)."
)
VETO = "A veto needs its effect: zero the category, or cap the grade."


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (params("manual"), {}),
        (params("manual", max_score=Decimal(0)), {"max_score": MAXIMUM}),
        (params("manual", max_score=None), {"max_score": MAXIMUM}),
        (params("manual", max_score=Decimal("0.01")), {}),
        (params("nonsense"), {"rule_kind": "Choose a rule."}),
        (params("pass_fail"), {}),
        (params("completion"), {"target": TARGET}),
        (params("completion", target=Decimal(0)), {"target": TARGET}),
        (params("completion", target=Decimal("0.01")), {}),
        (params("per_occurrence"), {"points_each": EACH}),
        (params("per_occurrence", points_each=Decimal(0)), {"points_each": EACH}),
        (params("per_occurrence", points_each=Decimal("0.01")), {}),
        (params("per_occurrence", points_each=Decimal(1), cap=Decimal(0)), {"cap": CAP}),
        (params("per_occurrence", points_each=Decimal(1), cap=Decimal("0.01")), {}),
        (
            params("per_occurrence", max_score=Decimal(0), cap=Decimal(0)),
            {"max_score": MAXIMUM, "points_each": EACH, "cap": CAP},
        ),
        (params("rank"), {"ladder_step": LADDER}),
        (params("rank", ladder_step=Decimal(0)), {"ladder_step": LADDER}),
        (params("rank", ladder_step=Decimal("0.01")), {}),
        (params("rank", proportional=True), {}),
        (params("veto"), {"veto_effect": VETO}),
        (params("veto", veto_effect="zero_category"), {}),
        (params("veto", veto_effect="cap_grade"), {}),
    ],
)
def test_each_rule_kind_refuses_exactly_the_parameters_it_cannot_use(data, found):
    assert rules.problems(data) == found


def test_parameters_a_kind_does_not_use_are_blanked():
    data = params(
        "completion",
        target=Decimal(5),
        points_each=Decimal(1),
        cap=Decimal(2),
        adds=True,
        ladder_step=Decimal(1),
        proportional=True,
        veto_effect="cap_grade",
    )
    rules.normalized(data)
    assert (data.target, data.points_each, data.cap, data.adds) == (Decimal(5), None, None, False)
    assert (data.ladder_step, data.proportional, data.veto_effect) == (None, False, "")
    unknown = params("nonsense", target=Decimal(5), adds=True)
    rules.normalized(unknown)
    assert (unknown.target, unknown.adds) == (None, False)


def test_a_ladder_keeps_its_step_and_a_proportional_flag_alone_does_not_clear_it_elsewhere():
    ladder = params("rank", ladder_step=Decimal(1))
    rules.normalized(ladder)
    assert ladder.ladder_step == Decimal(1)


def test_an_empty_number_reads_as_nothing():
    assert rules.number(None) == ""
    assert rules.number(Decimal("2.50")) == "2.5"
    assert rules.number(Decimal("3.00")) == "3"
    assert rules.number(Decimal("30")) == "30"


def test_the_engine_rule_carries_every_parameter():
    from kaoping.engine import engine

    data = params(
        "per_occurrence", max_score=Decimal(5), points_each=Decimal("0.5"), cap=Decimal(2), adds=True
    )
    assert rules.engine_rule(data) == engine.Rule(
        kind=engine.RuleKind.PER_OCCURRENCE,
        max_score=Decimal(5),
        points_each=Decimal("0.5"),
        cap=Decimal(2),
        adds=True,
    )
    ranked = rules.engine_rule(params("rank", target=Decimal(7), ladder_step=Decimal(3), proportional=True))
    assert (ranked.kind, ranked.target, ranked.ladder_step, ranked.proportional) == (
        engine.RuleKind.RANK,
        Decimal(7),
        Decimal(3),
        True,
    )
    assert (
        rules.engine_rule(params("veto", veto_effect="cap_grade")).veto_effect == engine.VetoEffect.CAP_GRADE
    )
    assert rules.engine_rule(params("veto")).veto_effect == engine.VetoEffect.ZERO_CATEGORY
    assert rules.engine_rule(params("manual", max_score=None)).max_score == Decimal(0)


def test_a_rule_in_words_never_goes_below_zero_nor_past_the_maximum():
    steep = params("rank", ladder_step=Decimal(3))
    assert rules.describe(steep) == "1st place 4, each place below 3 less (2nd 1, 3rd 0)."
    loose_cap = params("per_occurrence", points_each=Decimal(1), cap=Decimal(10))
    assert rules.describe(loose_cap) == "4, less 1 per occurrence, at most 4 deducted."
    tight_cap = params("per_occurrence", points_each=Decimal(1), cap=Decimal(3), adds=True)
    assert rules.describe(tight_cap) == "1 per occurrence, up to 3."
    no_maximum = params("per_occurrence", max_score=None, points_each=Decimal(1), cap=Decimal(2))
    assert rules.describe(no_maximum) == ", less 1 per occurrence, at most 2 deducted."
    assert (
        rules.describe(params("rank", ladder_step=None))
        == "1st place 4, each place below 0 less (2nd 4, 3rd 4)."
    )
    assert rules.describe(params("nonsense")) == ""


def test_a_ladder_in_words_counts_down_from_its_maximum_and_stops_at_zero():
    # A step leaving less than one point for the 2nd place: the 2nd gets what is left, not 1.
    assert (
        rules.describe(params("rank", ladder_step=Decimal("3.5")))
        == "1st place 4, each place below 3.5 less (2nd 0.5, 3rd 0)."
    )
    # A ladder without a maximum yet counts down from 0: every place below gets 0.
    assert (
        rules.describe(params("rank", max_score=None, ladder_step=Decimal("0.5")))
        == "1st place , each place below 0.5 less (2nd 0, 3rd 0)."
    )
