"""OpenFisca-style rule tests: every case of `tests/rules/*.yaml` is one pytest test.

A case is a sentence (`name`), a `policyhub.evaluate/1` request and the decision a reader
of the legal text expects (`expect`). The format is described in docs/rule-tests.md; the
expected amounts in the YAML files are computed by hand from the text, never by the engine.

    .venv/bin/python -m pytest tests/rules -q                # all cases
    .venv/bin/python -m pytest tests/rules -q -k "16,666,666.67"   # cases whose name matches
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyhub.engine import InputError, evaluate

RULES_DIR = Path(__file__).parent
FILE_KEYS = {"defaults", "cases"}
CASE_KEYS = {"name", "request", "expect"}
OPTIONAL_CASE_KEYS = {"xfail"}  # a known engine bug: the reason, reported to the lead
EXPECT_KEYS = {
    "total",
    "granted",
    "excluded",
    "excluded_by",
    "ineligible",
    "ineligible_includes",
    "discretionary",
    "error_path",
    "explanation_contains",
}
AMOUNT = re.compile(r"\A[0-9]+\.[0-9]{2}\Z")
DEFAULT_OPTIONS = {"dedup_scope": "matter", "milestone_jump": "highest"}
# 二(七) is the only clause whose amount is bounded by "不超过" (contract, "Labels").
CEILING_RULES = {"P7.project"}
CLAUSE_NUMERALS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    request: dict[str, Any]
    expect: dict[str, Any]
    xfail: str | None = None


def _plain(value: Any, where: str) -> Any:
    """YAML to contract JSON: dates become ISO strings; floats are refused (quote amounts)."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        raise ValueError(f"{where}: unquoted decimal {value!r}; write money as a quoted string")
    if isinstance(value, list):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    raise ValueError(f"{where}: unsupported YAML value {value!r}")


def _merge(defaults: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """A case's request over the file's defaults; `applicant` and `options` merge key by key."""
    merged = dict(defaults)
    for key, value in request.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def load_file(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) - FILE_KEYS or "cases" not in data:
        raise ValueError(f"{path.name}: expected a mapping with `cases` (and `defaults`)")
    defaults = _plain(data.get("defaults") or {}, f"{path.name}:defaults")
    cases = []
    for i, raw in enumerate(data["cases"]):
        where = f"{path.name}:cases[{i}]"
        if not isinstance(raw, dict) or not CASE_KEYS <= set(raw) <= CASE_KEYS | OPTIONAL_CASE_KEYS:
            raise ValueError(f"{where}: a case has {sorted(CASE_KEYS)} (and maybe `xfail`)")
        unknown = set(raw["expect"]) - EXPECT_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown expect keys {sorted(unknown)}")
        request = _merge(defaults, _plain(raw["request"], f"{where}.request"))
        expect = _plain(raw["expect"], f"{where}.expect")
        cases.append(Case(path.name, str(raw["name"]), request, expect, raw.get("xfail")))
    return cases


def load_cases() -> list[Case]:
    return [case for path in sorted(RULES_DIR.glob("*.yaml")) for case in load_file(path)]


CASES = load_cases()


def test_case_names_are_unique_sentences() -> None:
    names = Counter(case.name for case in CASES)
    assert [n for n, count in names.items() if count > 1] == []
    for case in CASES:
        sentence = len(case.name.split()) >= 4 or len(case.name) >= 10
        assert sentence, f"{case.file}: {case.name!r} is not a sentence"


# --- what a decision says, in the terms of `expect` ------------------------------------------


def _granted(decision: dict[str, Any]) -> dict[str, str]:
    sums: dict[str, Decimal] = {}
    for a in decision["awards"]:
        if a["status"] == "granted":
            sums[a["rule"]] = sums.get(a["rule"], Decimal(0)) + Decimal(a["amount"])
    return {rule: f"{amount:.2f}" for rule, amount in sorted(sums.items())}


def _pairs(items: list[list[Any]]) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(item) for item in items)


def _expected_total(expect: dict[str, Any]) -> str:
    if "total" in expect:
        return str(expect["total"])
    total = sum((Decimal(v) for v in (expect.get("granted") or {}).values()), Decimal(0))
    return f"{total:.2f}"


def _texts(decision: dict[str, Any], rule: str) -> list[str]:
    texts = [a["explanation"] for a in decision["awards"] if a["rule"] == rule]
    texts += [d.get("explanation", "") for d in decision["discretionary"] if d["rule"] == rule]
    texts += [i["reason"] for i in decision["ineligible"] if i["rule"] == rule]
    return texts


def assert_contract_shape(decision: dict[str, Any], request: dict[str, Any]) -> None:
    """What every decision keeps, whatever the case: the contract's response rules."""
    assert decision["contract"] == "policyhub.evaluate/1"
    assert decision["options"] == {**DEFAULT_OPTIONS, **(request.get("options") or {})}
    assert AMOUNT.match(decision["total"]), decision["total"]
    for a in decision["awards"]:
        assert AMOUNT.match(a["amount"]), a
        assert a["status"] in ("granted", "excluded"), a
        assert (a["status"] == "excluded") == bool(a.get("excluded_by")), a
        assert a["ceiling"] is (a["rule"] in CEILING_RULES), a
        number = int(a["rule"][1:].split(".")[0])
        assert a["clause"] == f"二({CLAUSE_NUMERALS[number]})", a
        assert a["clause"] in a["explanation"], a
    for d in decision["discretionary"]:
        assert d["cap"] is None or AMOUNT.match(d["cap"]), d
    for i in decision["ineligible"]:
        assert isinstance(i["event_index"], int) and i["reason"], i


def check(case: Case) -> None:
    expect = case.expect
    if "error_path" in expect:
        with pytest.raises(InputError) as refused:
            evaluate(case.request)
        paths = [p["path"] for p in refused.value.problems]
        assert any(expect["error_path"] in p for p in paths), paths
        return
    decision = evaluate(case.request)
    assert_contract_shape(decision, case.request)
    assert decision["total"] == _expected_total(expect)
    assert _granted(decision) == dict(sorted((expect.get("granted") or {}).items()))
    excluded = [a["rule"] for a in decision["awards"] if a["status"] == "excluded"]
    assert Counter(excluded) == Counter(expect.get("excluded") or [])
    for rule, winner in (expect.get("excluded_by") or {}).items():
        named = {
            a["excluded_by"]
            for a in decision["awards"]
            if a["rule"] == rule and a["status"] == "excluded"
        }
        assert named == {winner}, (rule, named)
    discretionary = [[d["rule"], d["cap"]] for d in decision["discretionary"]]
    assert _pairs(discretionary) == _pairs(expect.get("discretionary") or [])
    ineligible = _pairs([[i["rule"], i["reason_code"]] for i in decision["ineligible"]])
    if "ineligible_includes" in expect:
        missing = _pairs(expect["ineligible_includes"]) - ineligible
        assert not missing, (missing, ineligible)
    else:
        assert ineligible == _pairs(expect.get("ineligible") or [])
    for rule, needles in (expect.get("explanation_contains") or {}).items():
        texts = _texts(decision, rule)
        for needle in needles:
            assert any(needle in t for t in texts), (rule, needle, texts)


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_rule_case(case: Case) -> None:
    check(case)
