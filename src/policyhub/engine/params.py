"""Dated policy parameters, read from the YAML files beside this module.

Every amount, rate, cap, threshold and date of the legal text lives in `parameters/*.yaml`
(OpenFisca style): each leaf carries a description, a clause reference and values keyed
by the date from which they are in force. Rules ask for a value *at* a date (the date of
the event being judged), so a later amendment is a new dated value, not a code change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

try:  # libyaml keeps the cold start of `policyhub evaluate` short
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - wheels ship libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PARAMETER_DIR = Path(__file__).with_name("parameters")
REQUIRED_KEYS = ("description", "reference", "unit", "values")


class ParameterError(LookupError):
    """A parameter is missing, malformed, or not in force at the date asked."""


def _to_decimal(value: Any) -> Any:
    """Numbers become Decimal (never float); containers are converted recursively."""
    if isinstance(value, bool) or value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise ParameterError(f"unquoted float {value!r}: write rates as quoted strings")
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    if isinstance(value, list):
        return [_to_decimal(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_decimal(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Parameter:
    name: str  # "<file stem>.<key>", e.g. "p7_projects.project_cap"
    description: str
    reference: str
    unit: str
    starts: tuple[dt.date, ...]
    values: tuple[Any, ...]

    def at(self, when: dt.date) -> Any:
        """The value in force on `when` (the latest value whose start is on or before it)."""
        i = bisect_right(self.starts, when)
        if i == 0:
            raise ParameterError(f"{self.name}: not in force on {when.isoformat()}")
        return self.values[i - 1]

    def periods(self) -> list[tuple[dt.date, Any]]:
        return list(zip(self.starts, self.values, strict=True))


def _parse(stem: str, key: str, node: Any) -> Parameter:
    name = f"{stem}.{key}"
    if not isinstance(node, dict) or any(k not in node for k in REQUIRED_KEYS):
        raise ParameterError(f"{name}: needs {', '.join(REQUIRED_KEYS)}")
    values = node["values"]
    if not isinstance(values, dict) or not values:
        raise ParameterError(f"{name}: values must map start dates to values")
    if not all(isinstance(d, dt.date) for d in values):
        raise ParameterError(f"{name}: every key of values must be an ISO date")
    ordered = sorted(values.items())
    return Parameter(
        name=name,
        description=str(node["description"]),
        reference=str(node["reference"]),
        unit=str(node["unit"]),
        starts=tuple(d for d, _ in ordered),
        values=tuple(_to_decimal(v) for _, v in ordered),
    )


def load_file(path: Path) -> dict[str, Parameter]:
    with path.open(encoding="utf-8") as fh:
        tree = yaml.load(fh, Loader=_Loader) or {}
    return {f"{path.stem}.{k}": _parse(path.stem, k, v) for k, v in tree.items()}


@cache
def parameters(directory: Path = PARAMETER_DIR) -> dict[str, Parameter]:
    """All parameters by name; loaded once per process."""
    found: dict[str, Parameter] = {}
    for path in sorted(directory.glob("*.yaml")):
        found.update(load_file(path))
    return found


class ParameterSet:
    """An immutable set of parameters by name: the law's (`law()`), or a reform scenario's
    (policyhub.simulate.scenario.apply). Hashed by identity, so the screening kernel can
    keep the integer tables of each set it has seen (screen.tables.tables)."""

    __slots__ = ("_by_name", "label")

    def __init__(self, by_name: Mapping[str, Parameter], label: str) -> None:
        self._by_name: Mapping[str, Parameter] = MappingProxyType(dict(by_name))
        self.label = label

    def __getitem__(self, name: str) -> Parameter:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def items(self) -> Iterator[tuple[str, Parameter]]:
        return iter(self._by_name.items())

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)


@cache
def law() -> ParameterSet:
    """The law's parameters, as the YAML files beside this module give them."""
    return ParameterSet(parameters(), "law")


# The parameter set the engine and the kernel read: the law unless a caller runs inside
# `using(...)` (a reform simulation). A context variable, so a scenario decided in one
# thread never leaks into another thread's decisions.
_ACTIVE: ContextVar[ParameterSet | None] = ContextVar("policyhub_parameters", default=None)


def overriding() -> ParameterSet | None:
    """The set chosen with `using` in this context, or None when the law is in force."""
    return _ACTIVE.get()


@contextlib.contextmanager
def using(chosen: ParameterSet) -> Iterator[ParameterSet]:
    """Decide with `chosen` instead of the law inside the block (this thread only)."""
    token = _ACTIVE.set(chosen)
    try:
        yield chosen
    finally:
        _ACTIVE.reset(token)


def param(name: str) -> Parameter:
    found = _ACTIVE.get()
    try:
        return parameters()[name] if found is None else found[name]
    except KeyError:
        raise ParameterError(f"unknown parameter {name!r}") from None


def value(name: str, when: dt.date) -> Any:
    return param(name).at(when)
