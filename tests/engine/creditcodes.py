"""An independent implementation of the GB 32100-2015 check character, for test data.

It uses the standard's published weight table rather than the engine's `3^i mod 31`, so a
test built on it checks the engine against the standard, not against itself.
"""

from __future__ import annotations

import random

# GB 32100-2015, 表 2: the code's character set (no I, O, Z, S, V) and 表 3: the weights.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def valid_code(rng: random.Random) -> str:
    """A random valid code: registration authority 9 (工商), category 1 (企业), Changsha."""
    body = "".join(rng.choice(ALPHABET) for _ in range(9))
    return with_check("91430100" + body)
