"""The one rule of every two-step workflow: whoever took the first step never takes the second."""

import pytest

from kaoping import testing
from kaoping.accounts.permissions import duties_apart_problem, require_duties_apart
from kaoping.core.errors import DomainError


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.django_db
def test_the_person_who_took_the_first_step_is_told_why_they_cannot_take_the_second(town):
    first, second = testing.make_user("a", town=town, role=None), testing.make_user("b", town=town, role=None)
    assert duties_apart_problem(second, first.pk, first_step="submitted this") == ""
    assert duties_apart_problem(second, None, first_step="submitted this") == ""
    assert duties_apart_problem(first, first.pk, first_step="submitted this") == (
        "You submitted this: someone else must take the next step, so that two people see it."
    )
    with pytest.raises(DomainError, match="You submitted this"):
        require_duties_apart(first, first.pk, first_step="submitted this")
