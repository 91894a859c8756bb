from hypothesis import given
from hypothesis import strategies as st

from kaoping.people import idnumbers


def test_a_real_format_number_with_the_right_check_character_is_valid():
    assert idnumbers.is_valid("11010519491231002X")


def test_a_wrong_check_character_is_invalid():
    assert not idnumbers.is_valid("110105194912310021")


def test_an_impossible_birth_date_is_invalid():
    first17 = "37108319990231001"
    assert not idnumbers.is_valid(first17 + idnumbers.check_char(first17))


def test_lower_case_x_and_spaces_are_normalised():
    assert idnumbers.normalize(" 11010519491231002x ") == "11010519491231002X"


def test_masking_keeps_region_and_last_four():
    assert idnumbers.mask("11010519491231002X") == "110105********002X"


@given(st.from_regex(r"\A37108319[5-9][0-9](0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}\Z"))
def test_every_number_with_its_computed_check_character_is_valid_and_any_other_is_not(first17):
    good = first17 + idnumbers.check_char(first17)
    assert idnumbers.is_valid(good)
    for other in "0123456789X":
        if other != good[-1]:
            assert not idnumbers.is_valid(first17 + other)


@given(st.from_regex(r"\A37108319[5-9][0-9](0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}\Z"), st.data())
def test_a_digit_of_another_script_makes_a_number_invalid(first17, data):
    good = first17 + idnumbers.check_char(first17)
    position = data.draw(st.integers(0, 16))
    foreign = data.draw(st.characters(categories=["Nd"]).filter(lambda ch: ch not in "0123456789"))
    assert not idnumbers.is_valid(good[:position] + foreign + good[position + 1 :])


def test_spaces_inside_the_number_are_removed_and_nothing_typed_is_empty():
    assert idnumbers.normalize("110105 19491231 002x") == "11010519491231002X"
    assert idnumbers.normalize(None) == ""  # type: ignore[arg-type]


def test_anything_but_17_digits_and_a_check_character_is_invalid():
    assert not idnumbers.is_valid("abc")
    assert not idnumbers.is_valid("1101051949123100")


def test_a_leap_day_birth_is_valid_in_a_leap_year():
    first17 = "37108320000229001"  # 29 February 2000
    assert idnumbers.is_valid(first17 + idnumbers.check_char(first17))


def test_the_check_character_needs_exactly_17_digits():
    import pytest

    with pytest.raises(ValueError):
        idnumbers.check_char("1234")


def test_a_number_of_the_wrong_length_is_masked_whole():
    assert idnumbers.mask("12345") == "*****"


def test_the_birth_date_is_read_from_positions_7_to_14():
    from datetime import date

    assert idnumbers.birth_date("11010519491231002X") == date(1949, 12, 31)
