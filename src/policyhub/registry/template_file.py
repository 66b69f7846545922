"""The downloadable import templates (.xlsx): the header row the importer reads, one example
row, drop-down lists for the closed choices and a notes sheet explaining every column.

The columns are registry.io's own (COLUMNS), and the drop-down lists are the engine's own
value lists (engine.request), so the template cannot drift from what the import accepts.
"""

from __future__ import annotations

import datetime as dt
import io as bytes_io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from policyhub.engine import creditcode
from policyhub.engine.request import (
    CATEGORIES,
    DISCRETIONARY_RULES,
    IPO_STAGES,
    LEVELS,
    PRIZE_RANKS,
    PROJECT_KINDS,
)
from policyhub.registry import cells
from policyhub.registry.io import COLUMNS, Column, Kind
from policyhub.registry.models import REGISTRY_EVENT_TYPES
from policyhub.web.excel import HEADER_FILL

# 国家标准 levels the policy's 二(六) rewards (engine parameter p6_standards.standard); the
# engine reads any level for standard_led, so this list only warns (errorStyle "warning").
STANDARD_LEVELS = ("international", "national", "local")
EXAMPLE_CODE = "91430100MA4L00000" + creditcode.check_character("91430100MA4L00000")
MONEY_FORMAT = "不带符号的数字，单位：元，最多两位小数（如 1200000.50）"
BOOLEANS = ("是", "否")

# Closed choices by column: (values, strict). Not strict: other values are accepted too.
CHOICES: dict[str, tuple[tuple[Any, ...], bool]] = {
    "type": (REGISTRY_EVENT_TYPES, True),
    "level": ((*LEVELS, *STANDARD_LEVELS), False),
    "category": (CATEGORIES, True),
    "stage": (IPO_STAGES, True),
    "kind": (PROJECT_KINDS, True),
    "rank": (PRIZE_RANKS, True),
    "rule": (DISCRETIONARY_RULES, True),
}

MEANINGS: dict[str, str] = {
    "credit_code": "主体的18位统一社会信用代码（须已在登记库中）",
    "person_id": "人才在登记库中的编号",
    "team_id": "团队在登记库中的编号",
    "year": "财政年度，每个主体每年一行",
    "main_business_revenue": "该年度主营业务收入",
    "tax_paid": "该年度纳税额；不详则留空（留空不等于零）",
    "rd_spend": "该年度研发投入；不详则留空",
    "headcount": "年末从业人数；不详则留空",
    "source": "数据来源单位的名称或代码，如 市工业和信息化局",
    "type": "政策事件类型（引擎代码）",
    "date": "事件日期；平台服务费为运营开始日期",
    "matter": "事项编号：同一事项的多条事件填同一编号",
    "level": "级别：主导制定标准（international/national/local）或人才认定"
             "（international_top/national_leader/provincial_municipal_leader）",
    "category": "人才类别（紧缺急需人才、军民融合科研人员）",
    "stage": "上市阶段",
    "kind": "项目类型：new_build 新建，tech_upgrade 技术改造",
    "rank": "竞赛名次",
    "rule": "评选/一事一议事项对应的政策条款",
    "paid_in_capital": "龙头企业投资：实缴资本",
    "completed_investment": "龙头企业投资：完成投资额",
    "schedule_met": "龙头企业投资：是否按期完成",
    "housing_price_per_m2": "人才认定：购房单价（元/平方米）",
    "total_investment": "项目投资：总投资",
    "actual_investment": "项目投资：实际投资",
    "construction_cost": "平台建设：建设投入",
    "major_public_platform": "平台建设、平台服务费：是否重大公共服务平台",
    "rd_investment": "PK体系示范项目：项目研发投入",
    "selected": "PK体系示范项目：是否入选",
    "settles_in_changsha": "竞赛获奖：是否来长落户",
    "fees": "平台服务费：每笔 日期:金额，多笔以分号分隔",
    "revision": "主导制定标准：是否为修订（否或留空为制定）",
}
FORMATS: dict[str, str] = {
    "text": "文本",
    "int": "整数",
    "money": MONEY_FORMAT,
    "date": "日期，YYYY-MM-DD（或 YYYY/M/D）",
    "bool": "是 / 否",
    "fees": "2020-01-05:120000;2020-06-30:80000.50",
}
EXAMPLES: dict[Kind, dict[str, Any]] = {
    "figures": {"credit_code": EXAMPLE_CODE, "year": 2020,
                "main_business_revenue": Decimal("12000000.00"), "tax_paid": Decimal("600000"),
                "rd_spend": Decimal("1500000.50"), "headcount": 120,
                "source": "市工业和信息化局"},
    "events": {"credit_code": EXAMPLE_CODE, "type": "standard_led",
               "date": dt.date(2020, 5, 10), "matter": "STD-2020-001",
               "source": "市工业和信息化局", "level": "national", "revision": False},
}
TITLES: dict[Kind, str] = {"figures": "年度数据", "events": "政策事件"}
EXAMPLE_ROWS = 2  # the example row is row 2 (row 1: the header)
LAST_ROW = 10_000  # drop-down lists cover this many rows


def required_note(column: Column, kind: Kind) -> str:
    if column.required:
        return "必填"
    if kind == "events" and column.name in ("credit_code", "person_id", "team_id"):
        return "三选一，必填其中一项"
    if kind == "events" and column.name not in ("matter", "source"):
        return "按事件类型填写（不用的列留空）"
    return "选填"


def template_bytes(kind: Kind) -> bytes:
    """The .xlsx template of `kind` (figures or events)."""
    return build(TemplateSpec(
        title=TITLES[kind], columns=COLUMNS[kind], example=EXAMPLES[kind], meanings=MEANINGS,
        choices={c.name: ch for c in COLUMNS[kind] if (ch := _choices(c)) is not None},
        required={c.name: required_note(c, kind) for c in COLUMNS[kind]}))


@dataclass(frozen=True)
class TemplateSpec:
    """What one import's template shows: the sheet's title, the columns in order, the example
    row, each column's meaning, closed choices (values, strict) and whether it is required."""

    title: str
    columns: tuple[Column, ...]
    example: dict[str, Any]
    meanings: dict[str, str]
    choices: dict[str, tuple[tuple[Any, ...], bool]]
    required: dict[str, str]


def build(spec: TemplateSpec) -> bytes:
    """The .xlsx bytes of a template: header, example row, drop-down lists, notes sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = spec.title
    sheet.append([c.zh for c in spec.columns])
    sheet.append([cells.to_cell(c.kind, spec.example.get(c.name)) for c in spec.columns])
    for i, c in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        head = sheet.cell(row=1, column=i)
        head.font = Font(bold=True)
        head.fill = HEADER_FILL
        sheet.column_dimensions[letter].width = max(12, 2 * len(c.zh) + 4)
        body = f"{letter}{EXAMPLE_ROWS}:{letter}{LAST_ROW}"
        if c.kind == "date":
            sheet.cell(row=EXAMPLE_ROWS, column=i).number_format = "yyyy-mm-dd"
        choices = spec.choices.get(c.name)
        if choices is not None:
            values, strict = choices
            rule = DataValidation(type="list", formula1=_list_formula(values),
                                  allow_blank=True, showErrorMessage=True,
                                  errorStyle="stop" if strict else "warning",
                                  errorTitle="不在可选值中",
                                  error=_choice_message(values))
            sheet.add_data_validation(rule)
            rule.add(body)
    sheet.freeze_panes = "A2"
    _notes(book, spec)
    out = bytes_io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMULA_CHARS = 250  # Excel refuses an inline list (formula1) over 255 characters


def _list_formula(values: tuple[Any, ...]) -> str:
    inline = '"' + ",".join(map(str, values)) + '"'
    if len(inline) > FORMULA_CHARS:
        raise ValueError(f"drop-down list too long for an inline list: {inline[:40]}…")
    return inline


MESSAGE_CHARS = 200  # Excel refuses a data validation message over 255 characters


def _choice_message(values: tuple[Any, ...]) -> str:
    listed = "请从下拉列表中选择：" + "、".join(map(str, values))
    return listed if len(listed) <= MESSAGE_CHARS else "请从下拉列表中选择（可选值见“填写说明”）"


def _choices(column: Column) -> tuple[tuple[Any, ...], bool] | None:
    if column.kind == "bool":
        return BOOLEANS, True
    return CHOICES.get(column.name)


def _notes(book: Workbook, spec: TemplateSpec) -> None:
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "含义", "格式 / 单位", "是否必填", "可选值"])
    for c in spec.columns:
        choices = spec.choices.get(c.name)
        shown = "、".join(map(str, choices[0])) if choices else ""
        notes.append([c.zh, spec.meanings[c.name], FORMATS[c.kind], spec.required[c.name],
                      shown])
    notes.append([])
    notes.append(["说明", "第1行为列名，请勿修改；第2行为示例，导入前请替换或删除。"
                  "任何一行有误则不导入任何数据，并列出每一处错误。金额单位均为元。"])
    for letter, width in zip("ABCDE", (16, 50, 40, 24, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
