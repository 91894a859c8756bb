"""The tally key's k-of-n shares and the sealing of ballots and drafts (kaoping/evaluation/sealing.py)."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .. import sealing

GRADES = ["excellent", "competent", "basic", "incompetent", "unknown"]
SUB_GRADES = ["good", "fair", "average", "poor", "unknown"]
SUB_ITEMS = ["morality", "ability", "diligence", "achievement", "integrity"]


@settings(max_examples=15, deadline=None)
@given(
    st.integers(1, 5).flatmap(lambda n: st.tuples(st.integers(min(2, n), n), st.just(n))),
    st.binary(min_size=16, max_size=16),
)
def test_any_k_of_n_shares_rebuild_the_key_and_fewer_are_refused(k_n, secret):
    k, n = k_n
    public = sealing.public_key_hex(secret)
    shares = sealing.split(secret, threshold=k, holders=n)
    assert len(set(shares)) == n and all(len(s.split()) == 20 for s in shares)
    for chosen in itertools.combinations(shares, k):
        assert sealing.combine(list(chosen), public_key=public) == secret
    if k > 1:
        with pytest.raises(sealing.SealingError):
            sealing.combine(shares[: k - 1], public_key=public)


def test_shares_are_read_as_typed_and_a_wrong_or_foreign_share_is_refused():
    secret, other = sealing.new_secret(), sealing.new_secret()
    public = sealing.public_key_hex(secret)
    a, b, c = sealing.split(secret, threshold=2, holders=3)
    typed = "  1. " + a.upper().replace(" ", "\n") + ","
    assert sealing.combine([typed, c], public_key=public) == secret
    assert sealing.combine([a, a, b], public_key=public) == secret  # typed twice counts once
    with pytest.raises(sealing.SealingError):
        sealing.combine([a, a], public_key=public)
    words = b.split()
    words[4] = "acid" if words[4] != "acid" else "academic"
    with pytest.raises(sealing.SealingError):  # the share's checksum catches a wrong word
        sealing.combine([a, " ".join(words)], public_key=public)
    with pytest.raises(sealing.SealingError):  # another round's shares do not open this one
        sealing.combine(sealing.split(other, threshold=2, holders=3)[:2], public_key=public)
    # One bad share among enough good ones does not stop the closing.
    foreign = sealing.split(other, threshold=2, holders=3)[0]
    with pytest.raises(sealing.SealingError):
        sealing.combine([a, foreign], public_key=public)
    assert sealing.share_info(c) == (3, 2)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.lists(st.sampled_from(GRADES), min_size=n, max_size=n),
            st.lists(st.lists(st.sampled_from(SUB_GRADES), min_size=5, max_size=5), min_size=n, max_size=n),
            st.integers(0, 5),
        )
    )
)
def test_every_sealed_ballot_of_a_round_has_one_size_whatever_was_voted(ballot):
    grades, sub_grades, subs = ballot
    secret = b"k" * 16
    public = sealing.public_key_hex(secret)
    size = sealing.padded_size(len(grades), subs)
    ratings = {
        str(10**19 + i): {"overall": g, **dict(zip(SUB_ITEMS[:subs], sub_grades[i], strict=False))}
        for i, g in enumerate(grades)
    }
    sealed = sealing.seal({"class": "non_established", "ratings": ratings}, public_key=public, size=size)
    assert len(sealed) == size + 48  # ephemeral key and tag
    assert sealing.opener(secret)(sealed) == {"class": "non_established", "ratings": ratings}
    draft = sealing.seal_draft(ratings, code="ABCD", size=size)
    assert len(draft) == size + 40  # nonce and tag
    assert sealing.open_draft(draft, code="ABCD") == ratings


def test_a_sealed_ballot_opens_only_with_its_rounds_key_and_a_draft_only_with_its_code():
    secret = sealing.new_secret()
    sealed = sealing.seal({"x": 1}, public_key=sealing.public_key_hex(secret), size=256)
    with pytest.raises(sealing.SealingError):
        sealing.opener(sealing.new_secret())(sealed)
    draft = sealing.seal_draft({"x": 1}, code="AAAA", size=256)
    with pytest.raises(sealing.SealingError):
        sealing.open_draft(draft, code="AAAB")
    with pytest.raises(sealing.SealingError):
        sealing.seal({"x": "y" * 300}, public_key=sealing.public_key_hex(secret), size=256)
