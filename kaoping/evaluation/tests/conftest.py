"""A small agency of six cadres and an open round over them, built with the services."""

from datetime import date

import pytest

from kaoping import testing
from kaoping.people.models import AgencyCategory, Population
from kaoping.testing import in_english  # noqa: F401 (fixtures)

from .. import services
from ..models import RaterKind, RoundStatus


@pytest.fixture
def cadres(town):
    return [
        testing.make_cadre(town, "刘镇长", 1, population=Population.LEADERSHIP, position="镇长"),
        testing.make_cadre(town, "张伟", 2, is_middle_level=True),
        testing.make_cadre(town, "李娜", 3),
        testing.make_cadre(town, "赵强", 4, agency_category=AgencyCategory.NON_ESTABLISHED),
    ]


def make_round(town, cadres, *, actor=None, codes_each=3, **extra):
    return services.round_create(
        actor=actor,
        town=town,
        year=2026,
        quarter=extra.pop("quarter", 1),
        title="",
        held_on=date(2026, 3, 28),
        cadres=cadres,
        classes=extra.pop("classes", services.default_classes(codes_each)),
        **extra,
    )


@pytest.fixture
def draft_round(town, cadres, personas):
    return make_round(town, cadres, actor=personas["assessment_office"])


@pytest.fixture
def codes(draft_round, personas):
    """{rater kind: [codes in clear]}"""
    made = services.codes_generate(actor=personas["assessment_office"], round=draft_round)
    return {c.kind: v for c, v in made.items()}


@pytest.fixture
def open_round(draft_round, codes, personas):
    """The round open; `.shares` are its tally key's shares, as handed to its holders."""
    draft_round.shares = services.round_open(actor=personas["assessment_office"], round=draft_round)
    return draft_round


def close_round(open_round, actor):
    """`open_round` closed by `actor`, confirmed, with its tally key's shares handed back."""
    return services.round_move(
        actor=actor, round=open_round, to=RoundStatus.CLOSED, confirmed=True, shares=open_round.shares
    )


def all_rated(cadres, grade="excellent", **sub):
    return {str(c.pk): {"overall": grade, **sub} for c in cadres}


def vote(code, cadres, grade="excellent"):
    return services.ballot_submit(code=code, ratings=all_rated(cadres, grade))


LEAD, MID, EST, NON = (
    RaterKind.LEADERSHIP,
    RaterKind.MIDDLE_LEVEL,
    RaterKind.ESTABLISHED,
    RaterKind.NON_ESTABLISHED,
)
