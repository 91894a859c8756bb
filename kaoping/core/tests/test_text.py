"""One rule for text people type: control characters refused, names and digit strings normalised."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kaoping.core import text


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_and_located(character):
    problem = text.control_problem(f"东村{character}")
    assert problem is not None
    assert f"U+{ord(character):04X}" in problem and "position 3" in problem


def test_line_breaks_and_tabs_are_fine_in_a_text_of_several_lines_only():
    assert text.control_problem("第一行\r\n第二行\t备注", multiline=True) is None
    assert text.control_problem("第一行\n第二行") is not None
    assert text.control_problem("东村 ＡＢ　（一）") is None


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("曲　鑫", "曲鑫"),
        (" 王 芳 ", "王芳"),
        ("欧阳\u3000 娜娜", "欧阳娜娜"),
        ("张\u200b伟", "张伟"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("Li  Ming", "Li Ming"),
        ("ＬＩ　Ｍｉｎｇ", "LI Ming"),
    ],
)
def test_names_lose_their_padding(typed, name):
    assert text.person_name(typed) == name


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=4))
def test_a_chinese_name_padded_anywhere_is_the_name(name):
    padded = "　".join(name)
    assert text.person_name(f" {padded}　") == name


def test_digit_strings_are_width_folded_and_lose_blanks_and_dashes():
    assert text.digit_string("１３８ ００００－００００") == "13800000000"
    assert text.digit_string("３７０７８３１９７００３１９８０１ｘ") == "37078319700319801x"
    assert text.digit_string("١٣٨") == "١٣٨"  # other scripts stay, for the check to refuse


def test_width_folding_touches_only_the_full_width_block():
    assert text.fold_width("①②　ＡＢ１２") == "①② AB12"
