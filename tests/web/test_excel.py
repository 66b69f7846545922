"""Excel tables: Chinese headers, money as exact numbers that read back as the same Decimal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from policyhub.web.excel import MONEY_FORMAT, read_money, sheet_title, write_table

AMOUNTS = [Decimal("49999999.99"), Decimal("0.01"), Decimal("1234567890123.45"), Decimal("0")]


def read(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data)).active


def test_it_round_trips_money_exactly() -> None:
    rows = [["长沙星盾网络安全有限公司", amount] for amount in AMOUNTS]
    sheet = read(write_table(["申报主体", "金额（元）"], rows, "公示名单"))
    assert [c.value for c in sheet[1]] == ["申报主体", "金额（元）"]
    back = [read_money(sheet.cell(row=i, column=2).value) for i in range(2, 2 + len(AMOUNTS))]
    assert back == AMOUNTS
    assert sheet.cell(row=2, column=2).number_format == MONEY_FORMAT
    assert sheet.title == "公示名单"
    assert sheet.freeze_panes == "A2"


def test_it_refuses_an_amount_excel_cannot_hold_exactly() -> None:
    with pytest.raises(ValueError, match="exactly"):
        write_table(["金额"], [[Decimal("12345678901234567.89")]], "x")


def test_it_writes_dates_and_local_times() -> None:
    when = dt.datetime(2021, 6, 30, 16, 0, tzinfo=dt.UTC)  # 24:00 in Changsha
    sheet = read(write_table(["日期", "时间"], [[dt.date(2021, 6, 30), when]], "日期"))
    assert sheet.cell(row=2, column=1).value == dt.datetime(2021, 6, 30)
    assert sheet.cell(row=2, column=2).value == dt.datetime(2021, 7, 1, 0, 0)


def test_it_makes_a_legal_sheet_title() -> None:
    assert sheet_title("2021/06: 公示[草稿]") == "2021_06_ 公示_草稿_"
    assert len(sheet_title("名" * 40)) == 31
