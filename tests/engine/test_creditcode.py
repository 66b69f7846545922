"""统一社会信用代码 (GB 32100-2015): the check character the contract requires."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from policyhub.engine import creditcode
from tests.engine import creditcodes

EXAMPLES = Path(__file__).resolve().parents[1] / "contract" / "examples"
CONTRACT_REQUEST_CODE = "91430100AY4CL12T2M"  # the request shown in the contract


def _example_codes() -> list[str]:
    codes = [CONTRACT_REQUEST_CODE]
    for path in sorted(EXAMPLES.glob("*.json")):
        code = json.loads(path.read_text(encoding="utf-8"))["request"]["applicant"].get(
            "credit_code"
        )
        if code:
            codes.append(code)
    return codes


KNOWN_GOOD = _example_codes()


def test_the_alphabet_is_digits_and_capitals_without_i_o_z_s_v() -> None:
    expected = set(string.digits + string.ascii_uppercase) - set("IOZSV")
    assert set(creditcode.ALPHABET) == expected
    assert len(creditcode.ALPHABET) == 31
    assert creditcode.ALPHABET == creditcodes.ALPHABET  # the order gives each character's value


def test_the_weights_are_the_standards_table() -> None:
    assert creditcode.WEIGHTS == creditcodes.WEIGHTS


@pytest.mark.parametrize("code", KNOWN_GOOD)
def test_it_accepts_the_contracts_codes(code: str) -> None:
    assert creditcode.problem(code) is None
    assert creditcodes.check_character(code[:17]) == code[17]


def test_the_contract_examples_supply_codes() -> None:
    assert len(KNOWN_GOOD) >= 5


@pytest.mark.parametrize("code", KNOWN_GOOD[:3])
def test_every_single_character_mutation_is_refused(code: str) -> None:
    accepted = []
    for i in range(len(code)):
        for c in creditcode.ALPHABET + "IOZSVa -":
            if c == code[i]:
                continue
            mutant = code[:i] + c + code[i + 1 :]
            if creditcode.is_valid(mutant):
                accepted.append(mutant)
    assert accepted == []


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_a_code_with_an_excluded_letter_is_refused_naming_it(letter: str) -> None:
    first17 = "91430100MA4L0" + letter + "XXX"
    problem = creditcode.problem(first17 + "0")
    assert problem is not None and letter in problem


@pytest.mark.parametrize(
    "code, why",
    [
        ("91430100AY4CL12T2", "18"),
        ("91430100AY4CL12T2M0", "18"),
        ("", "18"),
        (91430100, "string"),
        (None, "string"),
        ("91430100ay4cl12t2m", "alphabet"),
        ("91430100AY4CL12T23", "check digit"),
    ],
)
def test_it_explains_why_a_code_is_refused(code: object, why: str) -> None:
    problem = creditcode.problem(code)
    assert problem is not None and why in problem


def test_a_check_character_can_be_zero_or_a_letter() -> None:
    # (31 - total % 31) % 31 maps a total divisible by 31 to "0", not to a 32nd character.
    seen = {creditcodes.check_character(f"9143010000000{n:04d}") for n in range(2000)}
    assert "0" in seen and seen <= set(creditcode.ALPHABET)
    for n in range(2000):
        first17 = f"9143010000000{n:04d}"
        assert creditcode.check_character(first17) == creditcodes.check_character(first17)
