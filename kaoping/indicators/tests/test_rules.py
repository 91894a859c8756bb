"""Rules in words and their parameters (no database)."""

from decimal import Decimal

import pytest
from django.utils import translation

from kaoping.indicators import rules
from kaoping.indicators.services import IndicatorData


def params(kind, **values):
    return IndicatorData(
        category=None, code="1", name="x", standard="x", max_score=Decimal(4), rule_kind=kind, **values
    )


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
