"""The screen's own code lists (policyhub.screen.schema) against the contract and engine:
the kernel keeps its reasons and rules as small integer codes, so a list written again here
must not drift from the contract's."""

from __future__ import annotations

import subprocess
import sys

from policyhub.engine.request import OPTIONS as REQUEST_OPTIONS
from policyhub.engine.rules import FEE_ORDER
from policyhub.screen import kernel
from policyhub.screen.options import OPTIONS
from policyhub.screen.schema import REASONS, RULES
from tests.api.test_api_evaluate import contract_reason_codes, contract_rule_ids


def test_screen_reasons_are_the_contracts_with_the_gates_first() -> None:
    assert set(REASONS) == contract_reason_codes()
    assert len(REASONS) == len(set(REASONS))
    # The kernel ranks a fee's reasons by its own copy of the engine's order.
    assert tuple(REASONS[code] for code in kernel.FEE_ORDER) == FEE_ORDER


def test_screen_rules_are_the_contracts() -> None:
    assert set(RULES) == contract_rule_ids()


def test_screen_options_are_the_requests_with_the_same_defaults() -> None:
    # The CLI's --dedup-scope and --milestone-jump take these choices, the first the default.
    assert OPTIONS == REQUEST_OPTIONS


def test_screen_cli_and_reader_load_without_the_engine_or_kernel() -> None:
    # The CLI reads the first batches while the engine and the kernel are imported
    # (cli.warm_up): importing the CLI and the reader must not pull them in first.
    code = ("import sys, policyhub.screen.cli, policyhub.screen.io; print(sorted(m for m in "
            "sys.modules if m.startswith(('policyhub.engine', 'policyhub.screen.kernel', "
            "'policyhub.screen.encode', 'policyhub.screen.result', 'policyhub.screen.tables'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
