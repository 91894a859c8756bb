"""The cryptography of anonymous ballots. Pure: no Django, no database (docs/anonymity.md).

- **The round's key.** When a round opens, a 128-bit tally secret is drawn; the round's X25519 key
  pair is derived from it (BLAKE2b). Only the public key is stored. The secret is split k of n among
  the round's key holders as SLIP-39 word shares (`shamir_mnemonic`, the reference implementation of
  Trezor's standard: 20 English words per share, a checksum in every share, a digest that refuses a
  wrong combination) and shown once; it is never stored.
- **Ballots** are sealed to the round's public key (libsodium sealed boxes: an ephemeral key per
  ballot, so the server cannot open what it stored). The plaintext is padded to a fixed size, so every
  sealed ballot of a round has the same length whatever was voted.
- **Drafts** are encrypted with a key derived from the voting code itself (libsodium secret box);
  the server stores only a keyed hash of the code, so it cannot read a draft without the code.
"""

import hashlib
import itertools
import json
import secrets
import struct

import nacl.exceptions
import shamir_mnemonic
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

SECRET_BYTES = 16
MAX_HOLDERS = 9
PAD_BLOCK = 256  # sizes are rounded up to a multiple of this


class SealingError(Exception):
    """A share, a key or a sealed text that cannot be used; `message` says why in plain words."""


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def private_key(secret: bytes) -> PrivateKey:
    seed = hashlib.blake2b(secret, digest_size=32, person=b"kaoping-round").digest()
    return PrivateKey(seed)


def public_key_hex(secret: bytes) -> str:
    return bytes(private_key(secret).public_key).hex()


def valid_sharing(threshold: int, holders: int) -> bool:
    """SLIP-39 shares k of n with 2 <= k <= n <= 9, or 1 of 1 (a 1-of-n share would be n copies)."""
    return (threshold, holders) == (1, 1) or 2 <= threshold <= holders <= MAX_HOLDERS


def split(secret: bytes, *, threshold: int, holders: int) -> list[str]:
    """The secret as `holders` word shares, any `threshold` of which rebuild it."""
    if not valid_sharing(threshold, holders):
        raise SealingError("the threshold must be 2 to the number of holders (at most 9), or 1 of 1")
    groups = shamir_mnemonic.generate_mnemonics(
        1, [(threshold, holders)], secret, b"", extendable=True, iteration_exponent=0
    )
    return list(groups[0])


def normalise_share(typed: str) -> str:
    """A share as typed (any case, spaces, new lines, commas, numbers before words) as 20 words."""
    words = [w for w in "".join(ch if ch.isalpha() else " " for ch in typed.lower()).split() if w]
    return " ".join(words)


def combine(shares: list[str], *, public_key: str) -> bytes:
    """The tally secret rebuilt from typed shares, checked against the round's public key.

    More shares than needed may be given (a share typed twice counts once): any set of `threshold`
    of them that rebuilds the round's key will do, so one wrong share among enough right ones does
    not stop the closing.
    """
    by_index: dict[int, str] = {}
    for typed in shares:
        share = normalise_share(typed)
        if share:
            by_index.setdefault(share_info(share)[0], share)
    if not by_index:
        raise SealingError("no share was typed in")
    threshold = share_info(next(iter(by_index.values())))[1]
    if len(by_index) < threshold:
        raise SealingError(f"{threshold} different shares are needed, {len(by_index)} given")
    problem = "these shares belong to another round"
    for chosen in itertools.combinations(by_index.values(), threshold):
        try:
            secret = shamir_mnemonic.combine_mnemonics(chosen, b"")
        except shamir_mnemonic.MnemonicError as exc:
            problem = str(exc)
            continue
        if secrets.compare_digest(public_key_hex(secret), public_key):
            return secret
    raise SealingError(problem)


def share_info(share: str) -> tuple[int, int]:
    """(member index from 1, threshold) of one share; SealingError when it is not a valid share."""
    try:
        parsed = shamir_mnemonic.share.Share.from_mnemonic(normalise_share(share))
    except shamir_mnemonic.MnemonicError as exc:
        raise SealingError(str(exc)) from None
    return parsed.index + 1, parsed.member_threshold


def padded_size(targets: int, sub_items: int) -> int:
    """The padded plaintext size of a round's ballots: above the longest ballot the round allows
    (every target with the longest grade and every sub-item), so that every one has this size."""
    per_item = 2 + 11 + 1 + 2 + 11 + 1  # "achievement":"incompetent",
    per_target = 2 + 20 + 1 + 2 + per_item * (1 + sub_items) + 1  # "id":{…},
    bound = 4 + 64 + 64 + targets * per_target  # length, the envelope and the class
    return -(-bound // PAD_BLOCK) * PAD_BLOCK


def _pad(data: bytes, size: int) -> bytes:
    body = struct.pack(">I", len(data)) + data
    if len(body) > size:
        raise SealingError("the ballot is longer than the round allows")
    return body + bytes(size - len(body))


def _unpad(padded: bytes) -> bytes:
    (length,) = struct.unpack(">I", padded[:4])
    return padded[4 : 4 + length]


def _encode(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def seal(value: object, *, public_key: str, size: int) -> bytes:
    """`value` (JSON) padded to `size` and sealed to the round's public key."""
    return SealedBox(PublicKey(bytes.fromhex(public_key))).encrypt(_pad(_encode(value), size))


def opener(secret: bytes):
    """A function that opens what `seal` sealed with the secret's public key."""
    box = SealedBox(private_key(secret))

    def open_(sealed: bytes) -> object:
        try:
            return json.loads(_unpad(box.decrypt(bytes(sealed))))
        except (nacl.exceptions.CryptoError, ValueError, struct.error):
            raise SealingError("a sealed ballot cannot be opened with this key") from None

    return open_


def shuffle(items: list) -> None:
    """Shuffle in place with the operating system's randomness (the ballot box's order)."""
    secrets.SystemRandom().shuffle(items)


def _draft_key(code: str) -> bytes:
    return hashlib.blake2b(code.encode(), digest_size=32, person=b"kaoping-draft").digest()


def seal_draft(value: object, *, code: str, size: int) -> bytes:
    """A draft padded to `size`, encrypted with a key only the (normalised) voting code gives."""
    return SecretBox(_draft_key(code)).encrypt(_pad(_encode(value), size))


def open_draft(sealed: bytes, *, code: str) -> object:
    try:
        return json.loads(_unpad(SecretBox(_draft_key(code)).decrypt(bytes(sealed))))
    except (nacl.exceptions.CryptoError, ValueError, struct.error):
        raise SealingError("the draft cannot be opened with this code") from None
