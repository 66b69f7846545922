"""Indicators: how records feed the plan's targets (docs/design.md, "The action-plan monitor").

Any app registers indicators in its own ``indicators`` module; ``PlanConfig.ready`` imports
that module of every installed app (``discover``), so registering is a side effect of start-up::

    from policyhub.plan.indicators import Measure, SourceRef, indicator

    @indicator("adaptation.pk_adaptations", label="基于PK体系完成的软硬件适配", unit="项")
    def pk_adaptations(as_of: date) -> Measure:
        rows = Adaptation.objects.filter(completed_on__lte=as_of)
        return Measure(Decimal(rows.count()),
                       [SourceRef(str(r), model="adaptation.adaptation", pk=r.pk) for r in rows])

A target names the code in ``plan/targets.yaml`` (``indicator:``); a target without one is
reported by its lead unit (``plan.Report``). This module imports nothing from Django models,
so an app's ``indicators`` module can import it at the top without import cycles.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

__all__ = [
    "Indicator",
    "IndicatorFn",
    "Measure",
    "SourceRef",
    "discover",
    "get",
    "indicator",
    "listed",
    "registered",
    "sources_wanted",
    "without_sources",
]


@dataclass(frozen=True)
class SourceRef:
    """One record a value was computed from: a label and a link (a URL, or model + pk)."""

    label: str
    url: str = ""
    model: str = ""  # "app_label.modelname"
    pk: int | str | None = None


@dataclass(frozen=True)
class Measure:
    value: Decimal  # in the target's unit
    sources: list[SourceRef] = field(default_factory=list)
    note: str = ""


IndicatorFn = Callable[[dt.date], Measure]
T = TypeVar("T")

# Listing every source record costs a row (and a URL) per organisation or record; a page
# that shows only values and statuses (the leaders' dashboard) asks for none.
_WANT_SOURCES: ContextVar[bool] = ContextVar("plan_indicator_sources", default=True)


@contextmanager
def without_sources() -> Iterator[None]:
    """Within this block indicators return their values with empty source lists."""
    token = _WANT_SOURCES.set(False)
    try:
        yield
    finally:
        _WANT_SOURCES.reset(token)


def sources_wanted() -> bool:
    """False within without_sources(): an indicator may skip even building its source query
    (a queryset with subqueries costs a millisecond to build, iterated or not)."""
    return _WANT_SOURCES.get()


def listed(items: Iterable[T], ref: Callable[[T], SourceRef]) -> list[SourceRef]:
    """The source list of a measure; `items` is not even iterated under without_sources()."""
    return [ref(item) for item in items] if _WANT_SOURCES.get() else []


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    fn: IndicatorFn

    def __call__(self, as_of: dt.date) -> Measure:
        measure = self.fn(as_of)
        if not isinstance(measure.value, Decimal):  # floats would make shares drift
            raise TypeError(f"indicator {self.code} returned {type(measure.value).__name__}, "
                            "not Decimal")
        return measure


_REGISTRY: dict[str, Indicator] = {}


def indicator(code: str, *, label: str, unit: str) -> Callable[[IndicatorFn], IndicatorFn]:
    """Register ``fn`` as the indicator ``code``. A second, different function under the
    same code is an error (two apps claiming one number); re-registering the same function
    (a module imported twice) is not."""

    def register(fn: IndicatorFn) -> IndicatorFn:
        known = _REGISTRY.get(code)
        same = known is not None and (known.fn.__module__, known.fn.__qualname__) == (
            fn.__module__, fn.__qualname__)
        if known is not None and not same:
            raise ValueError(f"indicator {code!r} is already registered by "
                             f"{known.fn.__module__}.{known.fn.__qualname__}")
        _REGISTRY[code] = Indicator(code, label, unit, fn)
        return fn

    return register


def get(code: str) -> Indicator:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise KeyError(f"no indicator {code!r} is registered (known: "
                       f"{', '.join(sorted(_REGISTRY)) or 'none'})") from None


def registered() -> dict[str, Indicator]:
    return dict(_REGISTRY)


def discover(app_modules: list[str]) -> list[str]:
    """Import ``<app>.indicators`` for each app module that has one; the modules imported."""
    found = []
    for name in app_modules:
        module = f"{name}.indicators"
        # find_spec first: an ImportError *inside* an existing indicators module must surface.
        # (find_spec imports the app package itself; installed apps are importable.)
        if importlib.util.find_spec(module) is None:
            continue
        importlib.import_module(module)
        found.append(module)
    return found
