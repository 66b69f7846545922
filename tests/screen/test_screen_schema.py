"""The screen's own code lists (policyhub.screen.schema) against the contract and engine:
the kernel keeps its reasons and rules as small integer codes, so a list written again here
must not drift from the contract's."""

from __future__ import annotations

from policyhub.engine.rules import FEE_ORDER
from policyhub.screen.schema import REASONS, RULES
from tests.api.test_api_evaluate import contract_reason_codes, contract_rule_ids


def test_screen_reasons_are_the_contracts_with_the_gates_first() -> None:
    assert set(REASONS) == contract_reason_codes()
    assert len(REASONS) == len(set(REASONS))
    assert REASONS[:3] == FEE_ORDER[:3]  # the kernel relies on the gates being codes 0, 1, 2


def test_screen_rules_are_the_contracts() -> None:
    assert set(RULES) == contract_rule_ids()
