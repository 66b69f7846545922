"""A reform scenario: changes to the law's parameters, kept as data beside them.

A scenario file (YAML; docs/simulation.md) has a name, an author, a date, a note, a list of
changes — each a parameter path (`p4_enterprises.milestones[2].amount`,
`p5_talents.talent_reward.international_top`, `p7_projects.project_cap`) and a new value,
optionally in force only from a date — and the two interpretation options of the contract.

`load(path)` validates it strictly (ScenarioError naming the field, in Chinese and
English); `apply(scenario)` gives a new, immutable ParameterSet that the engine (inside
`params.using`) and the screening kernel (`screen.tables.tables(set)`) both read. The law's
parameters are never modified: every changed parameter is a new Parameter object.

This module never imports Django: the fund outlook projects a scenario with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from policyhub.engine.params import Parameter, ParameterSet, law
from policyhub.engine.request import OPTIONS

SCENARIO_DIR = Path(__file__).with_name("scenarios")
TOP_KEYS = ("name", "author", "date", "note", "options", "changes")
CHANGE_KEYS = ("parameter", "value", "from")
_STEP = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")
_MONEY_PLACES = Decimal("0.01")


class ScenarioError(ValueError):
    """A scenario that cannot be applied; the message is one line naming the field."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        self.field = field
        super().__init__(f"场景文件错误 {field}：{zh} / scenario error, {field}: {en}")


@dataclass(frozen=True)
class Change:
    parameter: str  # the parameter's name, e.g. "p4_enterprises.milestones"
    steps: tuple[str | int, ...]  # inside its value: keys and list positions
    value: Decimal | int | dt.date | None
    start: dt.date | None  # None: every period of the parameter

    @property
    def path(self) -> str:
        return self.parameter + "".join(f"[{s}]" if isinstance(s, int) else f".{s}"
                                        for s in self.steps)


@dataclass(frozen=True)
class Scenario:
    name: str
    author: str
    date: dt.date
    note: str
    changes: tuple[Change, ...]
    dedup_scope: str = OPTIONS["dedup_scope"][0]
    milestone_jump: str = OPTIONS["milestone_jump"][0]

    @property
    def options(self) -> dict[str, str]:
        return {"dedup_scope": self.dedup_scope, "milestone_jump": self.milestone_jump}


def law_scenario() -> Scenario:
    """The law itself, as a scenario with no change (the baseline)."""
    return Scenario("现行政策", "", dt.date(2019, 8, 1), "", ())


def load(path: Path) -> Scenario:
    """The scenario of a YAML file, validated; ScenarioError otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(str(path), "无法读取文件", f"cannot read the file ({err})") from None
    return loads(text)


def loads(text: str) -> Scenario:
    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        where = f"line {line + 1}" if line is not None else "file"
        raise ScenarioError(where, "不是有效的 YAML", "not valid YAML") from None
    return parse(tree)


def parse(tree: Any) -> Scenario:
    if not isinstance(tree, dict):
        raise ScenarioError("(top)", "应为键值映射", "must be a mapping")
    for key in tree:
        if key not in TOP_KEYS:
            raise ScenarioError(str(key), "未知字段", "unknown field")
    name = _text(tree, "name", required=True)
    day = tree.get("date")
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ScenarioError("date", "应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")
    options = tree.get("options") or {}
    if not isinstance(options, dict):
        raise ScenarioError("options", "应为键值映射", "must be a mapping")
    chosen: dict[str, str] = {}
    for key, value in options.items():
        if key not in OPTIONS:
            raise ScenarioError(f"options.{key}", "未知选项", "unknown option")
        if value not in OPTIONS[key]:
            raise ScenarioError(f"options.{key}", f"应为 {' 或 '.join(OPTIONS[key])} 之一",
                                f"must be one of {', '.join(OPTIONS[key])}")
        chosen[key] = value
    raw = tree.get("changes") or []
    if not isinstance(raw, list):
        raise ScenarioError("changes", "应为列表", "must be a list")
    changes = tuple(_change(item, f"changes[{i}]") for i, item in enumerate(raw))
    scenario = Scenario(name, _text(tree, "author"), day, _text(tree, "note"), changes,
                        **chosen)
    apply(scenario)  # a change that cannot be applied is refused at loading
    return scenario


def _text(tree: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = tree.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(key, "应为非空文本", "must be non-empty text")
    return value.strip()


def _change(item: Any, where: str) -> Change:
    if not isinstance(item, dict):
        raise ScenarioError(where, "应为键值映射", "must be a mapping")
    for key in item:
        if key not in CHANGE_KEYS:
            raise ScenarioError(f"{where}.{key}", "未知字段", "unknown field")
    path = item.get("parameter")
    if not isinstance(path, str):
        raise ScenarioError(f"{where}.parameter", "应为参数路径", "must be a parameter path")
    name, steps = _split(path, f"{where}.parameter")
    start = item.get("from")
    if start is not None and (not isinstance(start, dt.date) or isinstance(start, dt.datetime)):
        raise ScenarioError(f"{where}.from", "应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")
    if "value" not in item:
        raise ScenarioError(f"{where}.value", "缺少新值", "missing")
    unit = law()[name].unit
    return Change(name, steps, _value(item["value"], unit, f"{where}.value"), start)


def _split(path: str, where: str) -> tuple[str, tuple[str | int, ...]]:
    head = re.match(r"[a-z0-9_]+\.[a-z0-9_]+", path)
    if head is None or head.group(0) not in law():
        raise ScenarioError(where, f"未知参数 {path!r}", f"unknown parameter {path!r}")
    rest, steps = path[head.end():], []
    at = 0
    while at < len(rest):
        m = _STEP.match(rest, at)
        if m is None:
            raise ScenarioError(where, f"无法识别的参数路径 {path!r}",
                                f"bad parameter path {path!r}")
        steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        at = m.end()
    return head.group(0), tuple(steps)


def _value(raw: Any, unit: str, where: str) -> Decimal | int | dt.date | None:
    """A new leaf value, checked against the parameter's unit."""
    if unit == "date":
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        raise ScenarioError(where, "应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")
    if unit == "years":
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw <= 100:
            return raw
        raise ScenarioError(where, "应为 1 至 100 的整数年数",
                            "must be a whole number of years, 1-100")
    if raw is None and unit == "yuan":
        return None  # no cap
    if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
        raise ScenarioError(where, "应为数值（比例请加引号，如 \"0.30\"）",
                            "must be a number (quote rates, e.g. \"0.30\")")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ScenarioError(where, f"不是数值 {raw!r}", f"not a number {raw!r}") from None
    if not number.is_finite():
        raise ScenarioError(where, f"不是数值 {raw!r}", f"not a number {raw!r}")
    if number < 0:
        raise ScenarioError(where, "不能为负数", "must not be negative")
    if unit == "yuan" and number != number.quantize(_MONEY_PLACES):
        raise ScenarioError(where, "金额最多两位小数（分）", "money has at most two decimals (fen)")
    if unit == "yuan" and number >= Decimal(10) ** 13:
        raise ScenarioError(where, "金额过大", "amount too large")
    if unit == "rate" and number > 1:
        raise ScenarioError(where, "比例应在 0 与 1 之间", "a rate must be between 0 and 1")
    return number


def apply(scenario: Scenario, base: ParameterSet | None = None) -> ParameterSet:
    """The parameters under `scenario`: `base` (the law) with its changes, a new set."""
    base = law() if base is None else base
    changed: dict[str, Parameter] = {}
    for i, change in enumerate(scenario.changes):
        where = f"changes[{i}].parameter"
        current = changed.get(change.parameter, base[change.parameter])
        changed[change.parameter] = _changed(current, change, where)
    for name, p in changed.items():
        _check_steps(p, name)
    merged = {name: changed.get(name, p) for name, p in base.items()}
    return ParameterSet(merged, scenario.name)


def _changed(p: Parameter, change: Change, where: str) -> Parameter:
    if change.start is None:
        values = tuple(_set(v, change.steps, change.value, where) for v in p.values)
        return dataclasses.replace(p, values=values)
    # a new period from `start`: the value in force then, changed (earlier periods stay)
    before = [i for i, s in enumerate(p.starts) if s <= change.start]
    current = p.values[before[-1] if before else 0]
    new = _set(current, change.steps, change.value, where)
    pairs = dict(zip(p.starts, p.values, strict=True))
    pairs[change.start] = new
    for later in (s for s in p.starts if s > change.start):  # later periods change too
        pairs[later] = _set(pairs[later], change.steps, change.value, where)
    ordered = sorted(pairs.items())
    return dataclasses.replace(p, starts=tuple(s for s, _ in ordered),
                               values=tuple(v for _, v in ordered))


def _set(node: Any, steps: tuple[str | int, ...], value: Any, where: str) -> Any:
    """A frozen copy of `node` with the leaf at `steps` replaced; the leaf must exist and
    hold the same kind of value (a number for a number, a date for a date)."""
    if not steps:
        if isinstance(node, list | tuple | dict | Mapping):
            raise ScenarioError(where, "路径应指向单个数值（如 [2].amount）",
                                "the path must name one value (e.g. [2].amount)")
        if isinstance(node, dt.date) != isinstance(value, dt.date):
            raise ScenarioError(where, "新值类型与原参数不符", "wrong type for this parameter")
        if isinstance(value, int) and not isinstance(node, Decimal | int):
            raise ScenarioError(where, "新值类型与原参数不符", "wrong type for this parameter")
        return Decimal(value) if isinstance(value, int) else value
    step, rest = steps[0], steps[1:]
    if isinstance(node, list | tuple) and isinstance(step, int) and 0 <= step < len(node):
        items = [_freeze(v) for v in node]
        items[step] = _set(node[step], rest, value, where)
        return tuple(items)
    if isinstance(node, dict | Mapping):
        key = next((k for k in node if str(k) == str(step)), None)
        if key is not None:
            out = {k: _freeze(v) for k, v in node.items()}
            out[key] = _set(node[key], rest, value, where)
            return MappingProxyType(out)
    raise ScenarioError(where, f"参数中没有 {step!r}", f"no {step!r} in this parameter")


def _freeze(node: Any) -> Any:
    if isinstance(node, list | tuple):
        return tuple(_freeze(v) for v in node)
    if isinstance(node, dict | Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in node.items()})
    return node


def _check_steps(p: Parameter, where: str) -> None:
    """Milestone steps keep rising thresholds: a change must not reorder the ladder."""
    for v in p.values:
        if isinstance(v, tuple) and v and all(isinstance(s, Mapping) and "threshold" in s
                                              for s in v):
            thresholds = [s["threshold"] for s in v]
            if any(b <= a for a, b in itertools.pairwise(thresholds)):
                raise ScenarioError(where, "门槛须逐级递增", "thresholds must rise step by step")


def parameters_for(scenario: Scenario | None) -> ParameterSet:
    """The parameter set a scenario decides with (None: the law) — for the fund outlook."""
    return law() if scenario is None or not scenario.changes else apply(scenario)
