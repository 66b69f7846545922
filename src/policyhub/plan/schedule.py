"""Report schedule: reported targets are reported every quarter by their lead unit.

A quarter's report is one whose as-of date falls in the quarter; it is due
REPORT_GRACE_DAYS after the quarter ends (time to gather the quarter's last figures).
Between the quarter's end and the due date it is *due*; after, without a report, *overdue*.
The first quarter starts on the plan's start, the last ends on its deadline. Targets
computed from records need no report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from policyhub.plan.models import Target
from policyhub.units.models import Unit

REPORT_GRACE_DAYS = 15


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def due(self) -> dt.date:
        return self.end + dt.timedelta(days=REPORT_GRACE_DAYS)

    @property
    def label(self) -> str:
        return f"{self.end.year}年第{(self.end.month - 1) // 3 + 1}季度"


@dataclass(frozen=True)
class Obligation:
    target: Target
    unit: Unit
    period: Period
    overdue: bool

    @property
    def state_label(self) -> str:
        return "逾期未报" if self.overdue else "待报送"


def quarter_end(day: dt.date) -> dt.date:
    month = (day.month - 1) // 3 * 3 + 3
    following = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def periods(start: dt.date, deadline: dt.date) -> list[Period]:
    out: list[Period] = []
    begin = start
    while begin <= deadline:
        end = min(quarter_end(begin), deadline)
        out.append(Period(begin, end))
        begin = end + dt.timedelta(days=1)
    return out


def open_periods(start: dt.date, deadline: dt.date, as_of: dt.date) -> list[Period]:
    """Quarters that have ended by as_of: their report is due or overdue unless made."""
    return [p for p in periods(start, deadline) if p.end < as_of]


def reported_targets() -> list[Target]:
    return list(Target.objects.filter(indicator="").select_related("lead_unit"))


def obligations(as_of: dt.date, unit: Unit | None = None) -> list[Obligation]:
    """Due and overdue quarterly reports on as_of (of one unit, or of all)."""
    out: list[Obligation] = []
    targets = [t for t in reported_targets() if unit is None or t.lead_unit_id == unit.pk]
    for target in targets:
        days = set(target.reports.values_list("as_of", flat=True))
        for period in open_periods(target.start, target.deadline, as_of):
            if any(period.start <= d <= period.end for d in days):
                continue
            out.append(Obligation(target, target.lead_unit, period, as_of > period.due))
    return out


@dataclass(frozen=True)
class UnitDue:
    unit: Unit
    items: list[Obligation]

    @property
    def overdue(self) -> int:
        return sum(1 for o in self.items if o.overdue)

    @property
    def due(self) -> int:
        return len(self.items) - self.overdue


def by_unit(found: list[Obligation]) -> list[UnitDue]:
    """Obligations per unit, units in code order."""
    grouped: dict[int, list[Obligation]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for item in found:
        grouped[item.unit.pk].append(item)
        units[item.unit.pk] = item.unit
    return [UnitDue(units[pk], grouped[pk]) for pk in sorted(units, key=lambda k: units[k].code)]
