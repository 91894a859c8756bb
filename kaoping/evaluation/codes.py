"""One-time voting codes: how they are made, typed, checked and stored. Pure: no database.

A code is 16 random characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 79 bits,
so guessing one is hopeless, followed by a check character (a weighted sum modulo the prime 31)
that catches any single mistyped character and any swap of two neighbours. It is printed in groups,
XXXX-XXXX-XXXX-XXXX-C; spaces, dashes and case do not matter when it is typed back.

Only a keyed hash (HMAC-SHA256 with the site's secret key) is stored, so a copy of the database alone
cannot be used to find or replay codes.
"""

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BODY_LENGTH = 16
GROUP = 4
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def check_char(body: str) -> str:
    """The check character of `body`: the weighted sum of all 17 positions (weights 1 to 17) is 0 mod 31.

    31 is prime and the weights are distinct and non-zero modulo 31, so any single wrong character and
    any swap of two different neighbours changes the sum.
    """
    n = len(ALPHABET)
    total = sum((i + 1) * _INDEX[ch] for i, ch in enumerate(body))
    return ALPHABET[(-total * pow(BODY_LENGTH + 1, -1, n)) % n]


def generate() -> str:
    """A new random code, normalised (no separators), check character included."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_char(body)


def normalise(typed: str) -> str:
    """The code as typed, without spaces or dashes, upper case."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def is_well_formed(code: str) -> bool:
    """True when a normalised code has the right length, alphabet and check character."""
    if len(code) != BODY_LENGTH + 1 or any(ch not in _INDEX for ch in code):
        return False
    return check_char(code[:-1]) == code[-1]


def display(code: str) -> str:
    """A normalised code in printed form: XXXX-XXXX-XXXX-XXXX-C."""
    groups = [code[i : i + GROUP] for i in range(0, BODY_LENGTH, GROUP)]
    return "-".join([*groups, code[BODY_LENGTH:]])


def digest(code: str, key: str) -> str:
    """The keyed hash stored for a normalised code."""
    return hmac.new(key.encode(), b"kaoping-ballot:" + code.encode(), hashlib.sha256).hexdigest()
