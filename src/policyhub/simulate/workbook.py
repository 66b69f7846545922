"""A simulation report as an .xlsx workbook (openpyxl) and as a printed table.

Money is written as exact numbers (#,##0.00; checked to read back as the same Decimal),
every text cell through web.formulas.escape (a cell starting with = + - @ is quoted).
Labels are Chinese; no rule id or option name appears.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from policyhub.engine import meta
from policyhub.engine.params import law
from policyhub.simulate.run import Cell, Report, yuan
from policyhub.simulate.scenario import Change
from policyhub.web.formulas import escape

MONEY = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
DIMENSION_NAMES = {"clause": "条款", "year": "年度", "district": "区县（市）", "park": "园区"}
BREAKDOWN_HEADERS = ("现行政策金额（元）", "现行政策受益户数", "方案金额（元）", "方案受益户数",
                     "金额差额（元）", "户数差额")


def option_text(options: dict[str, str]) -> str:
    return "；".join("：".join(meta.option_name(k, v)) for k, v in options.items())


def change_rows(changes: Sequence[Change]) -> list[list[Any]]:
    """(参数, 条款, 路径, 现行值, 方案值, 起始日期) per change, in words."""
    rows: list[list[Any]] = []
    for c in changes:
        p = law()[c.parameter]
        old: Any = p.values[0]
        for step in c.steps:
            old = old[step] if isinstance(step, int) else next(
                v for k, v in old.items() if str(k) == step)
        rows.append([p.description, p.reference, c.path, _plain(old), _plain(c.value),
                     c.start.isoformat() if c.start else "全部期间"])
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return "无上限" if value is None else str(value)


def breakdown_row(key: str, cell: Cell) -> list[Any]:
    return [key, yuan(cell.base_fen), cell.base_count, yuan(cell.scen_fen), cell.scen_count,
            yuan(cell.diff_fen), cell.scen_count - cell.base_count]


def workbook(report: Report) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    s = report.scenario
    _sheet(first, "概要", ["项目", "内容"], [
        ["方案名称", s.name], ["作者", s.author], ["日期", s.date], ["说明", s.note],
        ["口径选项", option_text(s.options)], ["测算基准日", report.as_of],
        ["申请人数", report.applicants],
        ["现行政策总金额（元）", yuan(report.base_fen)],
        ["方案总金额（元）", yuan(report.scen_fen)],
        ["差额（元）", yuan(report.diff_fen)],
        ["现行政策受益户数", report.base_beneficiaries],
        ["方案受益户数", report.scen_beneficiaries],
        ["增加的申请人", report.gainers], ["减少的申请人", report.losers],
    ])
    _sheet(book.create_sheet(), "参数变化",
           ["参数", "条款出处", "参数路径", "现行值", "方案值", "适用期间"], change_rows(s.changes))
    for dim, title in DIMENSION_NAMES.items():
        _sheet(book.create_sheet(), f"按{title}", [title, *BREAKDOWN_HEADERS],
               [breakdown_row(k, c) for k, c in report.rows(dim)])
    _sheet(book.create_sheet(), "增减名单",
           ["申请人编号", "名称", "区县（市）", "园区", "现行政策金额（元）", "方案金额（元）",
            "差额（元）", "现行政策核定说明", "方案核定说明"],
           [[c.applicant_id, c.name, c.district, c.park, yuan(c.base_fen), yuan(c.scen_fen),
             yuan(c.diff_fen), "\n".join(c.base), "\n".join(c.scenario)]
            for c in report.changed])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(sheet: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
           ) -> None:
    sheet.title = title
    sheet.append([escape(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for col in range(1, len(headers) + 1):
        head = sheet.cell(row=1, column=col)
        head.font = Font(bold=True)
        head.fill = HEADER_FILL
        head.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[head.column_letter].width = 18 if col > 1 else 24
        for r in range(2, len(rows) + 2):
            if isinstance(rows[r - 2][col - 1], Decimal):
                sheet.cell(row=r, column=col).number_format = MONEY
    sheet.freeze_panes = "A2"


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        if Decimal(repr(float(value))) != value:
            raise ValueError(f"{value} cannot be stored exactly in an Excel number cell")
        return value
    return escape(value)


def _money(fen: int) -> str:
    return f"{yuan(fen):,.2f}"


def summary_text(report: Report) -> str:
    """The printed summary: totals, then the clause table with differences."""
    s = report.scenario
    lines = [
        f"方案 scenario: {s.name}（{s.author or '—'}，{s.date.isoformat()}）",
        f"口径 options: {option_text(s.options)}；测算基准日 as of {report.as_of.isoformat()}",
        f"申请人 applicants: {report.applicants:,}；"
        f"增加 gain: {report.gainers:,}；减少 lose: {report.losers:,}",
        f"总金额 total: 现行 baseline {_money(report.base_fen)} 元 → 方案 scenario "
        f"{_money(report.scen_fen)} 元，差额 difference {_money(report.diff_fen)} 元",
        f"受益户数 beneficiaries: {report.base_beneficiaries:,} → {report.scen_beneficiaries:,}",
        "",
    ]
    head = ("条款 clause", "现行 baseline", "户数", "方案 scenario", "户数", "差额 difference")
    rows = [head] + [(k, _money(c.base_fen), f"{c.base_count:,}", _money(c.scen_fen),
                      f"{c.scen_count:,}", _money(c.diff_fen))
                     for k, c in report.rows("clause")]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        cells = [r[0] + " " * (widths[0] - _width(r[0]))]
        cells += [" " * (widths[i] - _width(r[i])) + r[i] for i in range(1, len(head))]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
