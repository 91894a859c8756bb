import math

from .. import codes


def test_a_code_has_sixteen_random_characters_and_a_check_character_worth_over_78_bits():
    code = codes.generate()
    assert len(code) == 17 and codes.is_well_formed(code)
    assert 16 * math.log2(len(codes.ALPHABET)) > 78
    assert not set("01OIL") & set(codes.ALPHABET)
    assert len({codes.generate() for _ in range(1000)}) == 1000


def test_any_single_mistyped_character_is_caught():
    code = codes.generate()
    for i in range(len(code)):
        for ch in codes.ALPHABET:
            if ch != code[i]:
                assert not codes.is_well_formed(code[:i] + ch + code[i + 1 :])


def test_swapping_two_neighbouring_characters_is_caught():
    code = codes.generate()
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            assert not codes.is_well_formed(code[:i] + code[i + 1] + code[i] + code[i + 2 :])


def test_dashes_spaces_and_case_do_not_matter_when_typing_a_code():
    code = codes.generate()
    assert codes.normalise(" " + codes.display(code).lower() + " ") == code
    assert codes.display(code).count("-") == 4


def test_the_stored_hash_depends_on_the_secret_key():
    code = codes.generate()
    assert codes.digest(code, "a") != codes.digest(code, "b")
    assert code not in codes.digest(code, "a")
