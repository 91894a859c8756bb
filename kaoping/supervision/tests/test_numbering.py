"""How a bulletin's number reads. No database."""

import pytest

from kaoping.supervision.numbering import SUPPLEMENT, label


def test_a_regular_issue_reads_di_n_qi():
    assert label("regular", 1) == "第1期"
    assert label("regular", 70) == "第70期"


def test_a_supplement_is_numbered_apart_and_says_so():
    assert label(SUPPLEMENT, 2) == "增刊第2期"


@pytest.mark.parametrize("number", [0, -1])
def test_a_number_starts_at_one(number):
    with pytest.raises(ValueError, match="^a bulletin number starts at 1$"):
        label("regular", number)
