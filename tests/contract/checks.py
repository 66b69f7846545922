"""Checks of a decision against a contract example (docs/contract-evaluate.md, "The example
files"). Shared by the CLI and the API tests so both read the examples the same way."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

EXAMPLES_DIR = Path(__file__).with_name("examples")
CONTRACT = "policyhub.evaluate/1"
AMOUNT = re.compile(r"\A[0-9]+\.[0-9]{2}\Z")


def load_examples() -> dict[str, dict[str, Any]]:
    """Every example file by name: {"name", "request", "expect" | "expect_error"}."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(EXAMPLES_DIR.glob("*.json"))
    }


def decision_examples() -> dict[str, dict[str, Any]]:
    return {name: ex for name, ex in load_examples().items() if "expect" in ex}


def error_examples() -> dict[str, dict[str, Any]]:
    return {name: ex for name, ex in load_examples().items() if "expect_error" in ex}


def mismatches(decision: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """What in `decision` contradicts `expect`; empty when it matches."""
    found = shape_mismatches(decision)
    if decision.get("total") != expect["total"]:
        found.append(f"total is {decision.get('total')!r}, expected {expect['total']!r}")
    found += _granted_mismatches(decision, expect["granted"])
    excluded = {a["rule"] for a in decision.get("awards", []) if a.get("status") == "excluded"}
    found += [f"{rule} is not excluded" for rule in expect["excluded"] if rule not in excluded]
    discretionary = {(d["rule"], d["cap"]) for d in decision.get("discretionary", [])}
    found += [
        f"no discretionary {rule} with cap {cap!r}"
        for rule, cap in expect["discretionary"]
        if (rule, cap) not in discretionary
    ]
    ineligible = {(i["rule"], i["reason_code"]) for i in decision.get("ineligible", [])}
    found += [
        f"no ineligible {rule} with reason {code}"
        for rule, code in expect["ineligible"]
        if (rule, code) not in ineligible
    ]
    return found


def _granted_mismatches(decision: dict[str, Any], granted: dict[str, str]) -> list[str]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for award in decision.get("awards", []):
        if award.get("status") == "granted":
            sums[award["rule"]] += Decimal(award["amount"])
    return [
        f"{rule} grants {sums.get(rule, Decimal(0)):.2f}, expected {granted.get(rule, '0.00')}"
        for rule in sorted(set(sums) | set(granted))
        if sums.get(rule, Decimal(0)) != Decimal(granted.get(rule, "0"))
    ]


def shape_mismatches(decision: dict[str, Any]) -> list[str]:
    """The response rules every decision keeps: contract id, two-decimal amounts, statuses."""
    found = []
    if decision.get("contract") != CONTRACT:
        found.append(f"contract is {decision.get('contract')!r}, expected {CONTRACT!r}")
    amounts = [("total", decision.get("total"))]
    for i, award in enumerate(decision.get("awards", [])):
        amounts.append((f"awards[{i}].amount", award.get("amount")))
        if award.get("status") not in ("granted", "excluded"):
            found.append(f"awards[{i}].status is {award.get('status')!r}")
        if award.get("status") == "excluded" and not award.get("excluded_by"):
            found.append(f"awards[{i}] is excluded without excluded_by")
    for i, item in enumerate(decision.get("discretionary", [])):
        if item.get("cap") is not None:
            amounts.append((f"discretionary[{i}].cap", item["cap"]))
    found += [
        f"{where} is {value!r}, not a two-decimal string"
        for where, value in amounts
        if not (isinstance(value, str) and AMOUNT.match(value))
    ]
    return found


def error_mismatches(problems: list[dict[str, str]], expect_error: dict[str, str]) -> list[str]:
    """Empty when one reported problem names the expected field path."""
    wanted = expect_error["path_contains"]
    if any(wanted in p["path"] for p in problems):
        return []
    return [f"no problem path contains {wanted!r}: {problems}"]
