"""Excel tables (.xlsx) with openpyxl: Chinese headers, money as exact numbers.

Money is written as a number (so Excel can sum it) with the format #,##0.00. An .xlsx cell
holds an IEEE double, which keeps every amount of up to 15 significant digits exact when
read back through its shortest repr (49,999,999.99 included). `write_table` refuses an
amount that would not come back as the same Decimal instead of silently losing a fen.
Text that a spreadsheet would run as a formula is written with a leading apostrophe
(web.formulas, OWASP's CSV-injection guidance).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from policyhub.web.formulas import escape

Cell = str | int | Decimal | dt.date | dt.datetime | bool | None

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_TITLE_MAX = 31  # Excel's limit
FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
MAX_COLUMN_WIDTH = 60


def sheet_title(title: str) -> str:
    cleaned = FORBIDDEN_IN_TITLE.sub("_", title).strip() or "Sheet1"
    return cleaned[:SHEET_TITLE_MAX]


def exact_money(amount: Decimal) -> Decimal:
    """The amount as stored, checked to read back unchanged (ValueError otherwise)."""
    if not amount.is_finite() or read_money(float(amount)) != amount:
        raise ValueError(f"{amount} cannot be stored exactly in an Excel number cell")
    return amount


def read_money(value: object) -> Decimal:
    """A money cell read back (openpyxl gives a float or int) as the Decimal written."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"not a number: {value!r}")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _display_width(text: str) -> int:
    """Columns a string takes: CJK (wide) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _prepare(value: Cell) -> tuple[object, str | None]:
    """The value to store and its number format."""
    if isinstance(value, Decimal):
        return exact_money(value), MONEY_FORMAT
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None), DATETIME_FORMAT  # xlsx has no time zones
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    return escape(value), None  # text a spreadsheet would run as a formula: quoted


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Cell]], title: str) -> bytes:
    """One sheet named `title`: a bold, frozen header row, then the rows; .xlsx bytes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = sheet_title(title)
    book.properties.title = title
    sheet.append([escape(h) for h in headers])
    widths = [_display_width(h) for h in headers]
    for row_number, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            stored, number_format = _prepare(value)
            cell = sheet.cell(row=row_number, column=col, value=stored)
            if number_format:
                cell.number_format = number_format
            shown = f"{value:,.2f}" if isinstance(value, Decimal) else str(stored or "")
            if col <= len(widths):
                widths[col - 1] = max(widths[col - 1], _display_width(shown))
    _style_header(sheet, len(headers))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, MAX_COLUMN_WIDTH)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _style_header(sheet: Any, columns: int) -> None:
    for col in range(1, columns + 1):
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = "A2"
