"""Progress of each target as of a date: value and sources, share reached, time elapsed, status.

The status rule (docs/plan.md, "Status"):

* **met** (已完成) — the value reaches the target: ≥ the value for at_least and share (> for a
  strict target: 超过, 大于), ≥ the lower bound for a range, ≤ the value for at_most. Met wins
  over everything else.
* **no_data** (未报送) — a reported target nobody has reported yet.
* **behind** (进度滞后) — past the deadline and not met; before it, share reached below
  0.8 × share of time elapsed.
* **on_track** (进度正常) — share reached ≥ share of time elapsed.
* **at_risk** (存在风险) — share reached ≥ 0.8 × share of time elapsed (but below it).

"以上/突破/超过/过" are all read as "reaches": the plan does not tell ≥ from > and the
statistics it is judged by (e.g. 规模以上) count the boundary in. The rule functions are pure
and tested at their edges; `progress_report` is the one that reads the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_noop

from policyhub import policytext
from policyhub.plan import indicators
from policyhub.plan.indicators import Measure, SourceRef
from policyhub.plan.models import Report, Target

AT_RISK_FACTOR = Decimal("0.8")  # within 80% of the time line is "at risk", below is "behind"
ONE = Decimal(1)


class Status(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NO_DATA = "no_data"


STATUS_LABELS: dict[Status, str] = {
    Status.MET: gettext_noop("已完成"), Status.ON_TRACK: gettext_noop("进度正常"),
    Status.AT_RISK: gettext_noop("存在风险"), Status.BEHIND: gettext_noop("进度滞后"),
    Status.NO_DATA: gettext_noop("未报送"),
}
STATUS_TONES: dict[Status, str] = {
    Status.MET: "ok", Status.ON_TRACK: "ok", Status.AT_RISK: "wait", Status.BEHIND: "bad",
    Status.NO_DATA: "muted",
}


def elapsed_share(start: dt.date, deadline: dt.date, as_of: dt.date) -> Decimal:
    """Share of the plan period gone by on as_of, clamped to 0..1."""
    total = (deadline - start).days
    if total <= 0:
        return ONE
    gone = Decimal((as_of - start).days) / Decimal(total)
    return max(Decimal(0), min(ONE, gone))


def is_met(kind: str, value: Decimal, low: Decimal, strict: bool = False) -> bool:
    """A range is met at its lower bound; going past the upper one is over-fulfilment.
    A strict target (超过, 大于) is met only above its value."""
    if kind == "at_most":
        return value <= low
    return value > low if strict else value >= low


def reached_share(kind: str, value: Decimal, low: Decimal) -> Decimal:
    """How far along the target is, 1 = reached; uncapped (pages cap the bar at 100%)."""
    if kind == "at_most":
        if value <= low:
            return ONE
        return low / value  # value > low >= 0, so value > 0
    if low == 0:
        return ONE
    return value / low


def status(*, met: bool, reached: Decimal | None, elapsed: Decimal,
           past_deadline: bool) -> Status:
    if met:
        return Status.MET
    if reached is None:
        return Status.NO_DATA
    if past_deadline:
        return Status.BEHIND
    if reached >= elapsed:
        return Status.ON_TRACK
    if reached >= AT_RISK_FACTOR * elapsed:
        return Status.AT_RISK
    return Status.BEHIND


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    as_of: dt.date
    value: Decimal | None
    sources: list[SourceRef]
    source_kind: str  # "indicator", "report" or "none"
    report: Report | None
    reached: Decimal | None
    elapsed: Decimal
    status: Status
    note: str = ""
    group: str = field(default="")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def tone(self) -> str:
        return STATUS_TONES[self.status]

    @property
    def reached_percent(self) -> int | None:
        """Whole percent reached, capped at 100 for display."""
        if self.reached is None:
            return None
        return int(min(self.reached, ONE) * 100)

    @property
    def elapsed_percent(self) -> int:
        return int(self.elapsed * 100)

    @property
    def source_label(self) -> str:
        if self.source_kind == "indicator":
            return "登记数据自动计算"
        if self.report is not None:
            return f"{self.report.unit.name}报送（{self.report.as_of:%Y-%m-%d}）"
        return "未报送"


def latest_reports(as_of: dt.date) -> dict[int, Report]:
    """Every target's latest report on or before as_of, in one query."""
    qs = (Report.objects.filter(as_of__lte=as_of).select_related("unit", "reporter")
          .order_by("target_id", "-as_of", "-created_at", "-id"))
    latest: dict[int, Report] = {}
    for report in qs:
        latest.setdefault(report.target_id, report)
    return latest


def latest_report(target: Target, as_of: dt.date) -> Report | None:
    qs = target.reports.filter(as_of__lte=as_of).select_related("unit", "reporter")
    found: Report | None = qs.order_by("-as_of", "-created_at", "-id").first()
    return found


def report_measure(report: Report) -> Measure:
    who = report.reporter.get_username()
    evidence = (report.evidence.name or "").rsplit("/", 1)[-1]
    ref = SourceRef(f"{report.unit.name} {who} 报送于 {report.created_at:%Y-%m-%d}，"
                    f"截至 {report.as_of:%Y-%m-%d}；佐证：{evidence}",
                    model="plan.report", pk=report.pk)
    return Measure(report.value, [ref], report.note)


def current(target: Target, as_of: dt.date, reports: dict[int, Report] | None = None
            ) -> tuple[Measure | None, str, Report | None]:
    """The value and where it comes from: the indicator when the target has one and it is
    registered, else the latest report on or before as_of (from `reports` when given)."""
    if target.indicator and target.indicator in indicators.registered():
        return indicators.get(target.indicator)(as_of), "indicator", None
    report = reports.get(target.pk) if reports is not None else latest_report(target, as_of)
    if report is None:
        return None, "none", None
    return report_measure(report), "report", report


def group_of(target: Target) -> str:
    """The heading the target sits under in the text: a 目标 bullet or a task."""
    if target.clause.startswith("计划/一"):
        return "一、主要目标 · " + policytext.clause(target.clause).heading
    path = target.clause.partition("#")[0]  # 计划/二/(三)/3#2 -> the task 计划/二/(三)/3
    return f"二、主要任务 · {path.split('/')[2]}{policytext.clause(path).heading}"


def progress_of(target: Target, as_of: dt.date,
                reports: dict[int, Report] | None = None) -> TargetProgress:
    measure, kind, report = current(target, as_of, reports)
    elapsed = elapsed_share(target.start, target.deadline, as_of)
    value = measure.value if measure is not None else None
    met = value is not None and is_met(target.kind, value, target.value, target.strict)
    reached = reached_share(target.kind, value, target.value) if value is not None else None
    return TargetProgress(
        target=target, as_of=as_of, value=value,
        sources=measure.sources if measure is not None else [], source_kind=kind,
        report=report, reached=reached, elapsed=elapsed,
        status=status(met=met, reached=reached, elapsed=elapsed,
                      past_deadline=as_of > target.deadline),
        note=_note(target, measure), group=group_of(target))


def _note(target: Target, measure: Measure | None) -> str:
    parts = [measure.note] if measure is not None and measure.note else []
    if target.indicator and target.indicator not in indicators.registered():
        parts.append(f"指标 {target.indicator} 尚未注册，按报送值计")
    if (measure is not None and target.kind == Target.Kind.RANGE and target.high is not None
            and measure.value > target.high):
        parts.append("已超过区间上限")
    return "；".join(parts)


def progress_report(as_of: dt.date, *, with_sources: bool = True) -> list[TargetProgress]:
    """Every target's progress on as_of, in the order of the text (each carries `group`).
    `with_sources=False` leaves the source lists empty (pages that show only values)."""
    targets = Target.objects.select_related("lead_unit", "task").order_by("order")
    reports = latest_reports(as_of)
    if with_sources:
        return [progress_of(t, as_of, reports) for t in targets]
    with indicators.without_sources():
        return [progress_of(t, as_of, reports) for t in targets]


def grouped(rows: list[TargetProgress]) -> list[tuple[str, list[TargetProgress]]]:
    """Consecutive rows of one group together, in text order."""
    out: list[tuple[str, list[TargetProgress]]] = []
    for row in rows:
        if not out or out[-1][0] != row.group:
            out.append((row.group, []))
        out[-1][1].append(row)
    return out
