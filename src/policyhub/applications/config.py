"""The app's own data: which department reviews a clause, and the public-notice calendar.

Both are YAML beside this module (clauses.yaml, notice.yaml), not Django settings: they are
operating rules that change with the text or the calendar, not with the deployment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import yaml

HERE = Path(__file__).parent


def _load(name: str) -> dict[str, Any]:
    with (HERE / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


@cache
def reviewer_units() -> dict[str, str]:
    """Subsection clause id (政策/二/(八)) → the Unit code of the department that reviews it."""
    return {cid: str(spec["unit"]) for cid, spec in _load("clauses.yaml")["reviewers"].items()}


def subsection(reference: str) -> str:
    """The subsection id a rule's reference lies in: 政策/二/(五)#1 → 政策/二/(五)."""
    return reference.partition("#")[0]


def reviewer_unit(reference: str) -> str:
    return reviewer_units()[subsection(reference)]


@dataclass(frozen=True)
class Calendar:
    """Working days in mainland China: the State Council's public holidays and 调休 weekend
    working days from the maintained `holidays` package (holidays.China), with notice.yaml's
    lists kept only as overrides (a notice published after the package's last release)."""

    working_days: int
    holidays: frozenset[dt.date]  # extra days off (overrides)
    workdays: frozenset[dt.date]  # extra 调休 weekend working days (overrides)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return bool(_china(day.year).is_working_day(day))


@cache
def _china(year: int) -> holidays.HolidayBase:
    """One year of China's calendar; built once per year (the package computes it)."""
    return holidays.country_holidays("CN", years=year)


@cache
def calendar() -> Calendar:
    raw = _load("notice.yaml")
    return Calendar(int(raw["working_days"]), frozenset(raw.get("holidays") or ()),
                    frozenset(raw.get("workdays") or ()))


def notice_end(published: dt.date, days: int | None = None,
               cal: Calendar | None = None) -> dt.date:
    """The last day of a notice published on `published`: it runs `days` working days
    (notice.yaml by default), counted from the next working day, weekends and holidays
    skipped."""
    cal = cal or calendar()
    remaining = cal.working_days if days is None else days
    day = published
    while remaining > 0:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            remaining -= 1
    return day
