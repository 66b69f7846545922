"""The whole progress report for a meeting: one Excel sheet, one Chinese PDF."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.conf import settings

from policyhub import clock, policytext
from policyhub.plan import schedule
from policyhub.plan.models import Task
from policyhub.plan.progress import STATUS_LABELS, TargetProgress, grouped, progress_report
from policyhub.web.excel import Cell, write_table
from policyhub.web.pdf import render_pdf

TITLE = "长沙市加快网络安全产业发展三年行动计划目标进展"
HEADERS = ("分组", "目标", "条款", "目标值", "当前值", "单位", "数据来源", "完成度", "时间进度",
           "状态", "牵头单位", "说明")


def percent(share: Decimal | None) -> str:
    return "—" if share is None else f"{(share * 100).quantize(Decimal('0.1'))}%"


def row(p: TargetProgress) -> list[Cell]:
    t = p.target
    value = p.value.quantize(Decimal("0.01")) if p.value is not None else None
    return [p.group, t.label, policytext.cite(t.clause), t.target_text(), value, t.unit,
            p.source_label, percent(p.reached), percent(p.elapsed), p.status_label,
            t.lead_unit.name, p.note]


def excel(as_of: dt.date) -> bytes:
    rows = [row(p) for p in progress_report(as_of, with_sources=False)]
    return write_table(HEADERS, rows, f"目标进展{as_of:%Y%m%d}")


def summary(rows: list[TargetProgress]) -> list[tuple[str, int]]:
    """How many targets have each status, in the statuses' own order (已完成 first), every
    status listed even at 0 so meetings compare like with like."""
    return [(label, sum(1 for p in rows if p.status == status))
            for status, label in STATUS_LABELS.items()]


def pdf_context(as_of: dt.date) -> dict[str, Any]:
    rows = progress_report(as_of, with_sources=False)  # the report shows values, not lists
    tasks = list(Task.objects.prefetch_related("lead_units", "responsible_units")
                 .order_by("order"))
    for t in tasks:  # the section names the document once; each row its clause number
        t.short_citation = re.sub(r"^《[^》]*》", "", t.citation)  # type: ignore[attr-defined]
    today = clock.today()  # the document's date: the demo day when one is fixed
    return {"title": TITLE, "as_of": as_of, "groups": grouped(rows), "summary": summary(rows),
            "issuer": str(settings.DOCUMENT_ISSUER),
            "generated_on": f"{today.year}年{today.month}月{today.day}日",
            "total": len(rows), "tasks": tasks,
            "overdue": schedule.by_unit(schedule.obligations(as_of))}


def pdf(as_of: dt.date) -> bytes:
    return render_pdf("plan/report_pdf.html", pdf_context(as_of))
