"""Reading and writing spreadsheet cells: one parser per column kind.

Each parser takes what openpyxl or csv gives (str, int, float, Decimal, date, bool or None)
and returns the value or raises ValueError with the reason shown to the department. Numbers
from openpyxl may be floats: they go through str() into Decimal, never into the database as
floats, and more than two decimals (below the fen) is refused rather than rounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from policyhub.engine.money import MAX_AMOUNT
from policyhub.web.formulas import unescape

Cell = Any
PLAIN = re.compile(r"\A[0-9]+(\.[0-9]+)?\Z")
SLASH_DATE = re.compile(r"\A(\d{4})/(\d{1,2})/(\d{1,2})\Z")
TRUE_WORDS = frozenset({"是", "true", "yes", "y", "1", "√"})
FALSE_WORDS = frozenset({"否", "false", "no", "n", "0", "×"})
FEE_SEPARATORS = re.compile(r"[;；\n]")
# Excel keeps 15 significant digits; a longer amount is written as text so it comes back exact.
EXCEL_DIGITS = 15


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed into a number cell
    # Our exports quote text a spreadsheet would run (`'=…`, web.formulas): read it back as is.
    return unescape(str(value).strip())


def money(value: Cell) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("金额不能是布尔值 (must be an amount)")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))  # str() gives the shortest decimal that reads back
    else:
        raw = str(value).strip().replace(",", "").replace("，", "")
        if not PLAIN.match(raw):
            raise ValueError(f"“{value}”不是金额：应为不带符号的十进制数（元），如 1200000.50")
        amount = Decimal(raw)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"金额不能为负数或非数字：{value}")
    if amount >= MAX_AMOUNT:
        raise ValueError(f"金额过大：{value}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"金额“{value}”超过两位小数（精确到分）")
    return amount


def integer(value: Cell) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数 (must be an integer)")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = str(value).strip()
    if not re.fullmatch(r"[0-9]+", raw):
        raise ValueError(f"“{value}”不是整数 (not an integer)")
    return int(raw)


def date(value: Cell) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip().removesuffix(" 00:00:00")  # a date cell saved as CSV by Excel
    slash = SLASH_DATE.match(raw)
    if slash:
        raw = "-".join((slash[1], slash[2].zfill(2), slash[3].zfill(2)))
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"“{value}”不是日期：应为 YYYY-MM-DD") from None


def boolean(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ValueError(f"“{value}”应为 是/否 (true/false)")


def fees(value: Cell) -> list[dict[str, str]]:
    """`2020-03-01:120000;2020-09-01:80000.50` → [{date, amount}, …] (the engine's form)."""
    out = []
    for part in FEE_SEPARATORS.split(str(value)):
        if not part.strip():
            continue
        day, sep, amount = part.strip().partition(":")
        if not sep:
            day, sep, amount = part.strip().partition("：")
        if not sep:
            raise ValueError(f"服务费“{part.strip()}”应写作 日期:金额，多笔以分号分隔")
        out.append({"date": date(day).isoformat(), "amount": format(money(amount), "f")})
    if not out:
        raise ValueError("至少一笔服务费 (at least one fee)")
    return out


PARSERS: dict[str, Callable[[Cell], Any]] = {
    "text": text, "money": money, "int": integer, "date": date, "bool": boolean, "fees": fees,
}


def to_cell(kind: str, value: Any) -> Cell:
    """The value as written back to a sheet in the same form the parsers read."""
    if value is None or value == "":
        return None
    if kind == "money":
        amount = Decimal(str(value))
        digits = len(amount.as_tuple().digits)
        return amount if digits <= EXCEL_DIGITS else format(amount, "f")
    if kind == "bool":
        return "是" if value else "否"
    if kind == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if kind == "fees":
        return ";".join(f"{f['date']}:{f['amount']}" for f in value)
    return value


def to_csv(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def write_csv(path: Path, header: Sequence[str], table: Sequence[Sequence[Cell]]) -> None:
    """An export as CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese), the
    header, then each row's cells as `to_csv` writes them."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([to_csv(v) for v in r] for r in table)
