"""领导驾驶舱 (the dashboard): one page for leaders (docs/dashboard.md).

The lagging targets first (进度滞后 / 存在风险, each with its lead unit), then every target
grouped as in the text with its progress bar and status, then four charts (revenue and
number of enterprises per year, adaptations per month, the special fund per year) and the
figures by district and by park.

Targets, values and statuses come from `plan.progress.progress_report` — this module never
judges a status itself. Every series is one aggregate query (grouped in the database), so
the page costs the same number of queries whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_noop

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser, assignments
from policyhub.applications.models import Application
from policyhub.audit.services import record
from policyhub.centres.adaptation.models import Adaptation, Result
from policyhub.ledger import reports as ledger_reports
from policyhub.plan import rollup
from policyhub.plan.progress import Status, TargetProgress, grouped, progress_report
from policyhub.plan.registry_indicators import (
    YUAN_PER_YI,
    area_revenue,
    closed_year,
    end_of,
    figure_years,
    scales,
    sharing,
    unit_names,
)
from policyhub.plan.views import as_of_param

YUAN_PER_WAN = Decimal(10_000)  # 1 万元; money on the page is in 万元, revenue in 亿元
CENT = Decimal("0.01")
# Lagging = 进度滞后 and 存在风险, the worse first; within one status, the order of the text.
LAGGING: tuple[Status, ...] = (Status.BEHIND, Status.AT_RISK)
STATUS_ORDER: tuple[Status, ...] = (Status.BEHIND, Status.AT_RISK, Status.NO_DATA,
                                    Status.ON_TRACK, Status.MET)
# Leaders: every staff role and the auditor; an applicant or a user without a role is not.
LEADER_ROLES = frozenset({Role.PARK_OFFICER, Role.DEPARTMENT_REVIEWER, Role.BUREAU_OFFICER,
                          Role.FINANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR})
# Applications still being written (or proposed and not yet confirmed) are not counted.
NOT_FILED = ("draft", "proposed")
NO_DISTRICT = "（未填区县）"
NO_PARK = "（不在园区）"
Dimension = Literal["district", "park"]
Decision = tuple[bool, str]


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPoint:
    """In-scope enterprises with figures for one fiscal year: their revenue and number."""

    year: int
    revenue_yi: Decimal  # main-business revenue, 亿元
    enterprises: int


@dataclass(frozen=True)
class MonthPoint:
    """Adaptation tests of one month: all of them, and those passed."""

    month: dt.date  # the first day of the month
    tested: int
    passed: int

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass(frozen=True)
class FundPoint:
    """The special fund of one budget year, in 万元."""

    year: int
    budget: Decimal
    committed: Decimal  # approved and reserved, not yet paid
    paid: Decimal


@dataclass(frozen=True)
class AreaRow:
    """One district or park: in-scope enterprises, their revenue in the latest year,
    applications filed and awards paid (by the applicant's district or park)."""

    name: str
    enterprises: int
    revenue_yi: Decimal
    applications: int
    paid_awards: int
    paid_wan: Decimal  # 万元


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    rows: list[TargetProgress]
    lagging: list[TargetProgress]
    groups: list[tuple[str, list[TargetProgress]]]
    counts: list[tuple[str, str, int]]  # (label, tone, n) per status
    revenue: list[YearPoint]
    adaptations: list[MonthPoint]
    fund: list[FundPoint]
    revenue_year: int | None  # the last closed fiscal year: the area tables' revenue up to it
    districts: list[AreaRow]
    parks: list[AreaRow]


def lagging(rows: Iterable[TargetProgress]) -> list[TargetProgress]:
    """The behind and at-risk targets, behind first, each status in the order of the text."""
    rank = {status: i for i, status in enumerate(LAGGING)}
    picked = [(rank[p.status], i, p) for i, p in enumerate(rows) if p.status in rank]
    return [p for _, _, p in sorted(picked, key=lambda t: (t[0], t[1]))]


def status_counts(rows: Iterable[TargetProgress]) -> list[tuple[str, str, int]]:
    """How many targets in each status (worst first; statuses with none left out)."""
    found: dict[Status, tuple[str, str, int]] = {}
    for p in rows:
        _, _, n = found.get(p.status, ("", "", 0))
        found[p.status] = (p.status_label, p.tone, n + 1)
    return [found[s] for s in STATUS_ORDER if s in found]


FIRST_YEAR = 2010  # the chart's year ends computed in build()'s one shared query; earlier
# years, if any figure had them, are computed on their own


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def revenue_series(as_of: dt.date) -> list[YearPoint]:
    """Per closed fiscal year Y up to as_of: what the target pages say as of 31 December of Y
    — the industry scale (亿元, each in-scope enterprise's latest closed year, as
    registry_indicators.industry_scale) and the number of in-scope enterprises in the
    registry then (registry_indicators.gathered); from the first to the last closed year with
    any figure. Two queries and the grouped figures, whatever the records."""
    present = figure_years(as_of)
    if not present:
        return []
    years = list(range(present[0], present[-1] + 1))
    found = scales([year_end(y) for y in years])
    counts = rollup.enterprises_at([year_end(y) for y in years])
    return [YearPoint(y, _yi(found[year_end(y)].revenue), counts[year_end(y)]) for y in years]


def adaptation_series(as_of: dt.date) -> list[MonthPoint]:
    """Adaptation tests per month up to as_of, every month from the first to the last (a
    month without tests is 0)."""
    # Grouped by day in the database and by month here: TruncMonth is a Python function
    # SQLite calls on every row (0.1 s at ×100), a day is the column itself.
    rows = (Adaptation.objects.filter(tested_on__lte=as_of).values("tested_on")
            .annotate(tested=Count("pk"), passed=Count("pk", filter=Q(result=Result.PASSED)))
            .order_by())
    found: dict[dt.date, tuple[int, int]] = {}
    for r in rows:
        month = _first_of_month(r["tested_on"])
        tested, passed = found.get(month, (0, 0))
        found[month] = (tested + r["tested"], passed + r["passed"])
    return [MonthPoint(m, *found.get(m, (0, 0))) for m in months_between(found)]


def months_between(months: Iterable[dt.date]) -> list[dt.date]:
    """Every first-of-month from the earliest to the latest of `months` (none when empty)."""
    present = sorted(months)
    if not present:
        return []
    out, day = [], present[0]
    while day <= present[-1]:
        out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def fund_series() -> list[FundPoint]:
    """Budget, committed and paid per budget year (ledger.reports.by_year), in 万元."""
    return [FundPoint(int(r.key), _wan(r.budget or Decimal(0)), _wan(r.committed), _wan(r.paid))
            for r in ledger_reports.by_year() if r.key.isdigit()]


def area_sums(as_of: dt.date) -> list[dict[str, Any]]:
    """Per (district, park) pair: enterprises, revenue (each one's latest closed fiscal year,
    as the industry scale: registry_indicators.area_revenue), applications, paid awards. Two
    queries and the grouped figures, whatever the number of records; both tables are rolled
    up from them."""
    apps = (Application.objects.exclude(state__in=NOT_FILED)  # talents and teams: no area
            .filter(created_at__lt=end_of(as_of), organisation__isnull=False)
            .values("organisation__district", "organisation__park__name")
            .annotate(apps=Count("pk"), paid=Count("pk", filter=Q(state="paid")),
                      amount=Sum("approved_amount", filter=Q(state="paid"))))
    orgs = rollup.enterprises_by_area(as_of)
    names = unit_names({r["park_pk"] for r in orgs if r["park_pk"] is not None})
    out: list[dict[str, Any]] = [
        {"district": r["district"], "park": names.get(r["park_pk"]), "n": r["n"]} for r in orgs]
    out += [{"district": district, "park": park, "revenue": revenue}
            for (district, park), revenue in area_revenue(as_of).items()]
    out += [{"district": r["organisation__district"], "park": r["organisation__park__name"],
             "apps": r["apps"], "paid": r["paid"], "amount": r["amount"]} for r in apps]
    return out


def roll_up(sums: Iterable[dict[str, Any]], dimension: Dimension) -> list[AreaRow]:
    """The sums of area_sums per district or per park, largest revenue first."""
    blank = NO_DISTRICT if dimension == "district" else NO_PARK
    merged: dict[str, dict[str, Any]] = {}
    for cell in sums:
        into = merged.setdefault(cell[dimension] or blank, {})
        for key in ("n", "revenue", "apps", "paid", "amount"):
            into[key] = into.get(key, 0) + (cell.get(key) or 0)
    out = [_area_row(name, v) for name, v in merged.items()]
    out.sort(key=lambda a: (-a.revenue_yi, -a.enterprises, a.name))
    return out


def area_table(as_of: dt.date, dimension: Dimension) -> list[AreaRow]:
    """One of the two tables on its own (build() computes the sums once for both)."""
    return roll_up(area_sums(as_of), dimension)


def _area_row(name: str, v: dict[str, Any]) -> AreaRow:
    return AreaRow(name=name, enterprises=v.get("n", 0), revenue_yi=_yi(v.get("revenue")),
                   applications=v.get("apps", 0), paid_awards=v.get("paid", 0),
                   paid_wan=_wan(v.get("amount") or Decimal(0)))


def area_total(rows: Iterable[AreaRow]) -> AreaRow:
    listed = list(rows)
    # Chinese here (the page is cached for every language); translated by the template.
    return AreaRow(gettext_noop("合计"), sum(a.enterprises for a in listed),
                   sum((a.revenue_yi for a in listed), Decimal(0)),
                   sum(a.applications for a in listed), sum(a.paid_awards for a in listed),
                   sum((a.paid_wan for a in listed), Decimal(0)))


def build(as_of: dt.date) -> Dashboard:
    """Everything the page shows, as of a date."""
    ends = [year_end(y) for y in range(FIRST_YEAR, closed_year(as_of) + 1)]
    with sharing([as_of, *ends]):
        rows = progress_report(as_of, with_sources=False)  # the page links to them instead
        revenue = revenue_series(as_of)
        sums = area_sums(as_of)
    year = closed_year(as_of) if revenue else None
    return Dashboard(
        as_of=as_of, rows=rows, lagging=lagging(rows), groups=grouped(rows),
        counts=status_counts(rows), revenue=revenue, adaptations=adaptation_series(as_of),
        fund=fund_series(), revenue_year=year, districts=roll_up(sums, "district"),
        parks=roll_up(sums, "park"))


def chart_data(d: Dashboard) -> dict[str, Any]:
    """The four charts' data, JSON-ready (numbers as floats: ECharts only draws numbers)."""
    return {
        "revenue": {"x": [str(p.year) for p in d.revenue],
                    "revenue": [float(p.revenue_yi) for p in d.revenue]},
        "enterprises": {"x": [str(p.year) for p in d.revenue],
                        "enterprises": [p.enterprises for p in d.revenue]},
        "adaptations": {"x": [m.label for m in d.adaptations],
                        "tested": [m.tested for m in d.adaptations],
                        "passed": [m.passed for m in d.adaptations]},
        "fund": {"x": [str(f.year) for f in d.fund],
                 "budget": [float(f.budget) for f in d.fund],
                 "committed": [float(f.committed) for f in d.fund],
                 "paid": [float(f.paid) for f in d.fund]},
    }


def _yi(yuan: Decimal | None) -> Decimal:
    return (Decimal(yuan or 0) / YUAN_PER_YI).quantize(CENT)


def _wan(yuan: Decimal) -> Decimal:
    return (Decimal(yuan) / YUAN_PER_WAN).quantize(CENT)


def _first_of_month(value: dt.date | dt.datetime) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    return day.replace(day=1)


# --- the page --------------------------------------------------------------------------------


def can_view(user: AnyUser) -> Decision:
    """Leaders: any staff role (unit staff, administrator) or the auditor."""
    if not user.is_authenticated:
        return False, "请先登录。"
    if any(a.role in LEADER_ROLES for a in assignments(user)):
        return True, ""
    return False, "领导驾驶舱仅向各单位工作人员、审计和系统管理员开放。"




@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_view(request.user)
    if not allowed:
        record(request.user, "plan.dashboard.read", allowed=False, reason=reason)
        return render(request, "web/refused.html", {"reason": reason}, status=403)
    d = build(as_of_param(request))
    return render(request, "plan/dashboard.html", {
        "d": d, "as_of": d.as_of, "charts": chart_data(d),
        "district_total": area_total(d.districts), "park_total": area_total(d.parks)})
