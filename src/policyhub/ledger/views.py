"""专项资金 pages: the fund by budget year (pool, committed, paid, available), by clause,
department and district, a bar chart of the years, and the same tables as Excel.

Thin callers of ledger.reports; who may read is ledger.permissions.can_read_reports, and a
refusal is shown (403) and audited as the API does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop

from policyhub.audit.services import record
from policyhub.ledger import outlook_view, reports
from policyhub.ledger.permissions import can_read_reports
from policyhub.web import display
from policyhub.web.excel import Cell, write_table
from policyhub.web.refusals import refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Marked for translation, translated on the page only: the Excel file stays Chinese.
DIMENSIONS: tuple[tuple[reports.Dimension, str], ...] = (
    ("clause", gettext_noop("按政策条款")), ("department", gettext_noop("按责任部门")),
    ("district", gettext_noop("按区县（市）")))
EXCEL_HEADERS = ("分组", "项目", "预算（元）", "已核定待拨付（元）", "已拨付（元）", "可用（元）",
                 "核定合计（元）")


def _refused(request: HttpRequest, reason: str, what: str) -> HttpResponse:
    return refused(request, reason, action="ledger.read", report=what)


def chart_data(years: list[reports.ReportRow]) -> dict[str, Any]:
    """The ECharts series of the year table (no total row), amounts as yuan strings."""
    rows = [r for r in years if r.key != "合计"]
    return {
        "years": [r.key for r in rows],
        "committed": [str(r.committed) for r in rows],
        "paid": [str(r.paid) for r in rows],
        "available": [str(r.available or Decimal(0)) for r in rows],
    }


def _clause_label(key: str) -> str:
    return display.cite(key) if key.startswith("政策/") else key


@login_required
def index(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_read_reports(request.user)
    if not allowed:
        return _refused(request, reason, "overview")
    years = reports.by_year()
    groups = [(gettext(label), dimension, reports.by_dimension(dimension))
              for dimension, label in DIMENSIONS]
    return render(request, "ledger/index.html", {
        "years": years, "groups": groups, "chart": chart_data(years),
        "total": years[-1],
        "outlook": outlook_view.context(scenario=request.GET.get("scenario", "")),
    })


def excel_rows() -> list[list[Cell]]:
    """Every table of the overview in one sheet, each row tagged with its grouping."""
    rows: list[list[Cell]] = [
        ["按预算年度", r.key, r.budget, r.committed, r.paid, r.available, r.approved]
        for r in reports.by_year()]
    for dimension, label in DIMENSIONS:
        for r in reports.by_dimension(dimension):
            key = _clause_label(r.key) if dimension == "clause" else r.key
            rows.append([label, key, None, r.committed, r.paid, None, r.approved])
    return rows


@login_required
def export(request: HttpRequest) -> HttpResponse:
    allowed, reason = can_read_reports(request.user)
    if not allowed:
        return _refused(request, reason, "export")
    record(request.user, "ledger.export", None, report="overview")
    response = HttpResponse(write_table(EXCEL_HEADERS, excel_rows(), "专项资金台账"),
                            content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger.xlsx"'
    return response
