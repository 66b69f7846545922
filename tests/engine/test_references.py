"""Meta-tests: the engine's law lives in cited data, and the contract, rules.yaml and the rule
cases agree with one another (OpenFisca's "every parameter has a reference", Datasette's
docs-versus-code checks)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from policyhub.engine import meta
from policyhub.engine.params import parameters
from tests.rules.test_rule_cases import load_cases

ROOT = Path(__file__).resolve().parents[2]
ENGINE_DIR = ROOT / "src" / "policyhub" / "engine"
CONTRACT_PATHS = (
    ROOT / "docs" / "contract-evaluate.md",
    Path("/work/shared/contracts/evaluate.md"),
)

# Number tokens allowed anywhere in src/policyhub/engine/*.py. Everything else that is a
# number of the law (amounts, rates, thresholds, dates) must come from parameters/*.yaml.
ALLOWED_NUMBERS: dict[int, str] = {
    0: "zero, empty sums and first indexes",
    1: "one: increments, 'the last item', a day",
    2: "pairs: a prize event's two rules, dedup needs at least two clause groups; rank 2",
    3: "the contract's ranks 1-3 (一二三等奖); 1 March for 29 February; GB 32100 weights 3^i",
    12: "December: a fiscal year closes on Y-12-31 (contract, Validity)",
    31: "the 31st of December; also the GB 32100-2015 alphabet size and modulus",
    60: "decimal precision in digits (products of amounts and rates stay exact)",
    100: "percent: a rate of 0.30 is shown as 30%",
}
# Numbers that are not the law's but belong to one module, with the reason.
ALLOWED_IN_FILE: dict[str, dict[int, str]] = {
    "money.py": {10: "decimal base of the plausibility bound", 18: "10^18 yuan bound (readings)"},
    "creditcode.py": {
        17: "GB 32100-2015: the 17 characters that carry the check",
        18: "GB 32100-2015: a code has 18 characters",
    },
    "request.py": {
        1000: "lowest accepted year, so Y-12-31 is a four-digit ISO date",
        9998: "highest accepted year, so Y-12-31 (and Y+1) is a valid date",
    },
}
# String literals that are whole numbers, allowed where they are not the law's.
ALLOWED_NUMERIC_STRINGS = {
    "0.01": "one fen, the unit of rounding (contract, Money)",
    "0": "formatting: stripping trailing zeros",
}
# At least one digit: "." or ", " (a separator, also inside f-strings' expressions) is no number.
NUMERIC_STRING = re.compile(r"\A\s*[-+]?[0-9.,]*[0-9][0-9.,]*\s*\Z")


def _contract() -> str:
    for path in CONTRACT_PATHS:
        if path.exists():
            return path.read_text(encoding="utf-8")
    pytest.skip("the contract docs/contract-evaluate.md is not in this checkout")


def _policytext() -> Any:
    try:
        from policyhub import policytext
    except ImportError as exc:  # another engineer's module; its absence is not our failure
        pytest.skip(f"policyhub.policytext is not importable ({exc}); cannot resolve clause ids")
    if not hasattr(policytext, "clauses"):
        pytest.skip("policyhub.policytext has no clauses() yet; cannot resolve clause ids")
    return policytext


def _references() -> dict[str, str]:
    refs = {f"parameter {name}": p.reference for name, p in parameters().items()}
    refs.update({f"rule {rid}": r.reference for rid, r in meta.rules().items()})
    return refs


# --- references -----------------------------------------------------------------------------


def test_every_parameter_and_rule_has_a_reference() -> None:
    refs = _references()
    assert len(refs) > len(meta.rules())
    assert [what for what, ref in refs.items() if not ref.strip()] == []


def test_every_reference_resolves_to_a_clause_of_the_policies() -> None:
    known = _policytext().clauses()
    unresolved = {what: ref for what, ref in _references().items() if ref not in known}
    assert unresolved == {}
    assert all(ref.startswith("政策/") for ref in _references().values())


def test_every_rule_references_the_clause_it_is_labelled_with() -> None:
    for rid, rule in meta.rules().items():
        # 二(四) <-> 政策/二/(四) or 政策/二/(四)#2
        section, sub = rule.clause[0], rule.clause[1:]
        assert rule.reference.split("#")[0] == f"政策/{section}/{sub}", rid


def test_every_parameter_file_cites_its_own_clause() -> None:
    numerals = "一二三四五六七八九十"
    for name, p in parameters().items():
        match = re.match(r"p(\d+)_", name)
        if match:
            clause = f"政策/二/({numerals[int(match.group(1)) - 1]})"
            assert p.reference.split("#")[0] == clause, name


def _spellings(value: Any, unit: str) -> list[str]:
    """How the legal text writes `value` (spaces removed): 1000万, 1亿, 30%, 200平方米 …"""
    if isinstance(value, dt.date):
        return [f"{value.year}年{value.month}月{value.day}日"]
    if unit == "rate":
        return ["全额"] if value == 1 else [f"{(value * 100).normalize():f}%"]
    if unit == "years":
        return [f"{value}年", f"{'一二三四五'[int(value) - 1]}年"]
    if unit == "m2":
        return [f"{value}平方米"]
    spelt = []
    if value % 10000 == 0:
        spelt.append(f"{(value / 10000).normalize():f}万")
    if value % 100000000 == 0:
        spelt.append(f"{(value / 100000000).normalize():f}亿")
    return spelt


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [] if value is None else [value]


def test_every_parameter_value_is_written_in_the_clause_it_cites() -> None:
    clauses = _policytext().clauses()
    missing = []
    for name, p in parameters().items():
        text = re.sub(r"\s+", "", clauses[p.reference].text)
        for _, value in p.periods():
            for leaf in _leaves(value):
                if not any(s in text for s in _spellings(leaf, p.unit)):
                    missing.append(f"{name}: {leaf} ({p.unit}) not in {p.reference}")
    assert missing == []


# --- no law in Python -----------------------------------------------------------------------


# Read with `ast`, not `tokenize`: Python 3.12 tokenizes f-strings into parts (PEP 701), so
# numbers inside their replacement fields became NUMBER tokens there and stayed hidden inside
# one STRING token on 3.11; the syntax tree is the same on both, and an f-string's expressions
# are code like any other (`f"{x * 5000}"` is a number written in Python on every version).
def _constants(path: Path) -> list[ast.Constant]:
    """Every literal of `path`, except the literal text of f-strings (their expressions and
    format specs' expressions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    fstring_text = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                    for part in node.values if isinstance(part, ast.Constant)}
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and id(node) not in fstring_text]


def _number(node: ast.Constant) -> Decimal | None:
    """The literal's value when it is a real number (not a bool, a complex or a string)."""
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def test_no_number_of_the_legal_text_is_written_in_engine_python() -> None:
    found = []
    for path in sorted(ENGINE_DIR.glob("*.py")):
        allowed = set(ALLOWED_NUMBERS) | set(ALLOWED_IN_FILE.get(path.name, {}))
        for node in _constants(path):
            if isinstance(node.value, str | bytes | bool) or node.value is None \
                    or node.value is Ellipsis:
                continue
            value = _number(node)
            if value is None or value != value.to_integral_value() or int(value) not in allowed:
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert found == [], "put amounts, rates and dates in parameters/*.yaml with a reference"


def test_no_numeric_string_literal_in_engine_python() -> None:
    found = []
    for path in sorted(ENGINE_DIR.glob("*.py")):
        for node in _constants(path):
            if not isinstance(node.value, str):
                continue
            if NUMERIC_STRING.match(node.value) and node.value not in ALLOWED_NUMERIC_STRINGS:
                found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert found == []


def test_the_literal_reader_sees_numbers_inside_f_strings(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text('x = f"{amount * 5000:.2f} 元"\ny = "0.3"\nz = True\n', encoding="utf-8")
    literals = [ast.unparse(node) for node in _constants(probe)]
    assert sorted(literals) == ["'0.3'", "5000", "True"]  # not the text ' 元' nor '.2f'
    assert NUMERIC_STRING.match("0.3") and NUMERIC_STRING.match(" 1,000 ")
    assert not NUMERIC_STRING.match(", ") and not NUMERIC_STRING.match(".")
    assert [_number(n) for n in _constants(probe) if _number(n) is not None] == [Decimal(5000)]


# --- contract <-> rules.yaml <-> rule cases ------------------------------------------------------


def contract_rule_ids() -> set[str]:
    table = [line for line in _contract().splitlines() if line.startswith("| `")]
    return {rid for line in table for rid in re.findall(r"`(P\d+\.[a-z_]+)`", line)}


def contract_reason_codes() -> set[str]:
    text = _contract()
    start = text.index("`reason_code` is one of") + len("`reason_code` is one of")
    end = text.index("\n- ", start)
    return set(re.findall(r"`([a-z_]+)`", text[start:end]))


def test_the_contract_table_and_rules_yaml_name_the_same_rules() -> None:
    ids = contract_rule_ids()
    assert len(ids) >= 20
    assert ids == set(meta.rules())


def test_every_reason_code_of_the_contract_has_a_wording() -> None:
    codes = contract_reason_codes()
    assert "future_event" in codes and "duplicate_stage" in codes
    assert codes == set(meta.wording()["reasons"])


def test_every_rule_has_a_label_an_explanation_citing_its_clause_and_a_group() -> None:
    for rid, rule in meta.rules().items():
        assert rule.label and "{clause}" in rule.explain, rid
        assert rule.group == int(rid[1:].split(".")[0]), rid


CASES = [case for case in load_cases() if not case.xfail]


def test_rule_cases_grant_every_rule() -> None:
    discretionary = {d[0] for c in CASES for d in c.expect.get("discretionary") or []}
    granted = {rule for c in CASES for rule in c.expect.get("granted") or {}}
    assert set(meta.rules()) - granted - discretionary == set()


def test_rule_cases_give_every_reason_code() -> None:
    given = {
        pair[1]
        for c in CASES
        for key in ("ineligible", "ineligible_includes")
        for pair in c.expect.get(key) or []
    }
    assert contract_reason_codes() - given == set()


def test_rule_cases_exercise_both_values_of_every_option() -> None:
    used = {(k, v) for c in CASES for k, v in (c.request.get("options") or {}).items()}
    assert {("dedup_scope", "applicant"), ("milestone_jump", "cumulative")} <= used


def contract_kinds() -> dict[str, set[str]]:
    """Rule id -> kinds accepted, from the contract's table "Applicant kinds" (Revision 2)."""
    text = _contract()
    table = text[text.index("### Applicant kinds") : text.index("### Precise readings")]
    found: dict[str, set[str]] = {}
    for line in table.splitlines():
        cells = line.split(" | ")
        if line.startswith("| `P") and len(cells) == 3:
            for rid in re.findall(r"`(P\d+\.[a-z_]+)`", cells[0]):
                found[rid] = set(re.findall(r"`([a-z_]+)`", cells[2]))
    return found


def test_rules_yaml_pays_exactly_the_kinds_of_the_contract_table() -> None:
    table = contract_kinds()
    assert set(table) == set(meta.rules())
    assert {rid: set(r.kinds) for rid, r in meta.rules().items()} == table


def test_every_rule_quotes_its_recipient_and_every_kind_has_a_chinese_name() -> None:
    kinds = set(meta.wording()["names"]["kind"])
    for rid, rule in meta.rules().items():
        assert rule.recipient.strip(), rid
        assert set(rule.kinds) <= kinds, rid


def test_every_reason_code_has_a_short_chinese_name() -> None:
    names = meta.wording()["reason_names"]
    assert set(names) == contract_reason_codes()
    assert all(
        re.search(r"[\u4e00-\u9fff]", n) and not re.search(r"[a-z_]{3}", n) for n in names.values()
    )
