"""One reader for every uploaded table: the registry's imports (registry.io) and the
service centres' (centres.common) read .csv and .xlsx files through `read_table`.

An upload is a stranger's file, so every limit is checked before the expensive step it guards,
and every problem is an ImportFailed naming it in Chinese (never an exception from a parser):

- size: at most settings.UPLOAD_MAX_BYTES (POLICYHUB_UPLOAD_MAX_BYTES) bytes;
- .xlsx: a zip archive whose members, as the archive's directory declares them, unpack to at
  most MAX_UNPACKED_BYTES in all and no member over 1 MB at more than MAX_RATIO times its
  packed size (a zip bomb) — checked with zipfile before openpyxl opens anything; the XML is
  parsed by openpyxl with defusedxml (a dependency), which refuses entity declarations (an XML
  bomb). The sheet's declared <dimension> is ignored (a file can declare A1:XFD1048576 with a
  single cell): rows are streamed, at most the template's columns plus SPARE_COLUMNS are read,
  and a filled cell beyond them, or a filled row beyond settings.IMPORT_MAX_ROWS, refuses the
  file as soon as it is met; blank rows are skipped without being kept;
- .csv: UTF-8 (with or without BOM) or GB18030 (which includes GBK and GB2312, what Excel on a
  Chinese Windows writes); bytes that are neither, or a GB18030 reading that is not mostly
  Chinese text (Latin-1 or other junk read as rare characters), are refused;
- every cell: no NUL character, at most MAX_CELL_CHARS characters (Excel's own cell limit).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from openpyxl import load_workbook

MAX_CELL_CHARS = 32_767  # Excel refuses longer cells; csv's own limit (131,072) is above it
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # a sheet's XML packs 5–20×; a bomb packs thousands of times
RATIO_FLOOR = 1024 * 1024  # small members (styles, a short sheet) may pack better than MAX_RATIO
SPARE_COLUMNS = 10  # blank spacer columns a department may leave between template columns
MAX_REPORTED = 200  # cell problems listed at most (the file is refused either way)
FILE = "文件"
FORM_ROOM = 64 * 1024  # the multipart envelope and the other fields of an import form


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    value: str = ""  # the cell as the file has it (shown with the reason), when known

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}]: {self.reason}"


class ImportFailed(Exception):
    """Every bad row of a file, by row (a stable sort: a row's problems keep their order);
    shared by the registry and the service-centre imports."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.row)
        # The file's header and its rejected rows as read (row number -> cells), when the
        # rows were read: the registry offers them back as an .xlsx with the reasons.
        self.header: list[Any] = []
        self.rows: dict[int, list[Any]] = {}
        super().__init__("\n".join(str(e) for e in self.errors))

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


def refuse(reason: str) -> ImportFailed:
    """A problem of the whole file (row 0, column 文件)."""
    return ImportFailed([RowError(0, FILE, reason)])


@dataclass
class Table:
    """The header (row 1) and every non-blank row below it with its spreadsheet row number."""

    header: list[Any]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def oversized_upload(content_length: str | None) -> ImportFailed | None:
    """The refusal of an upload whose request declares more than the limit (plus room for the
    form around the file), so a page refuses it before Django reads and stores the body."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    try:
        declared = int(content_length or 0)
    except ValueError:
        return None
    if declared <= limit + FORM_ROOM:
        return None
    return refuse(f"文件过大：约 {_size(declared)}，上限为 {_size(limit)}")


def read_table(content: bytes, filename: str, *, width: int) -> Table:
    """The first sheet of an .xlsx or the records of a .csv, for a template of `width`
    columns; ImportFailed names the first problem of the file, or every bad cell."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    if len(content) > limit:
        raise refuse(f"文件过大：{_size(len(content))}，上限为 {_size(limit)}")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "csv":
        records: Iterable[Sequence[Any]] = _csv_records(content)
    elif suffix == "xlsx":
        records = _xlsx_records(content)
    else:
        raise refuse(f"只支持 .xlsx 和 .csv 文件：{filename}")
    table = _collect(records, width + SPARE_COLUMNS)
    if table is None:
        raise ImportFailed([RowError(1, "表头", "文件为空 (empty file)")])
    return table


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} 字节"


def _collect(records: Iterable[Sequence[Any]], max_columns: int) -> Table | None:
    max_rows = int(settings.IMPORT_MAX_ROWS)
    table: Table | None = None
    errors: list[RowError] = []
    for number, record in enumerate(records, start=1):
        if number > 1 and (record.count(None) == len(record) or all(map(_blank, record))):
            continue  # a blank row is not kept (a sheet may have a million of them)
        if number > max_rows + 1:
            raise refuse(f"数据超过 {max_rows:,} 行的上限（第{number}行仍有数据）："
                         "请分成几个文件导入")
        row = _within(number, list(record), max_columns)
        if table is None:
            table = Table(row)
            errors += _cell_problems(number, row, row)
            continue
        if len(errors) < MAX_REPORTED:
            errors += _cell_problems(number, row, table.header)
        table.rows.append((number, row))
    if errors:
        raise ImportFailed(errors)
    return table


def _within(number: int, row: list[Any], max_columns: int) -> list[Any]:
    """The row cut to the template's width; a filled cell beyond it refuses the file."""
    while row and row[-1] is None:  # a styled but empty cell ends some rows
        row.pop()
    if len(row) <= max_columns:
        return row
    extra = next((i for i in range(max_columns, len(row)) if not _blank(row[i])), None)
    if extra is not None:
        raise refuse(f"第{number}行第{extra + 1}列有内容，超出模板的列数"
                     f"（模板 {max_columns - SPARE_COLUMNS} 列）")
    return row[:max_columns]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_problems(number: int, row: list[Any], header: list[Any]) -> list[RowError]:
    out = []
    for i, value in enumerate(row):
        if not isinstance(value, str):
            continue
        name = str(header[i]).strip() if i < len(header) and not _blank(header[i]) \
            else f"第{i + 1}列"
        if "\x00" in value:
            out.append(RowError(number, name[:50], "含有空字符（NUL），请删除后重新导入"))
        if len(value) > MAX_CELL_CHARS:
            out.append(RowError(number, name[:50],
                                f"内容过长：{len(value):,} 个字符，上限为 {MAX_CELL_CHARS:,}"))
    return out


# --- CSV -------------------------------------------------------------------------------------


def _csv_records(content: bytes) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over csv's limit, a stray quote in strict mode…
            raise refuse(f"第{reader.line_num}行附近无法按 CSV 读取："
                         f"{_csv_reason(exc)}") from None
        yield record


def _csv_reason(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"某个单元格超过 {csv.field_size_limit():,} 个字符"
    return "格式错误，请在 Excel 中另存为 CSV 后重试"


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _utf8_chinese(content[:exc.start]):  # real UTF-8 Chinese before: a damaged file
            line = content[:exc.start].count(b"\n") + 1
            raise refuse(f"第{line}行附近有不属于 UTF-8 编码的字节：文件可能已损坏，"
                         "或混用了两种编码") from None
    unreadable = refuse("无法识别文件的文字编码：CSV 应为 UTF-8 或 GB18030/GBK 编码"
                        "（Excel 中“另存为 → CSV UTF-8”）")
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        raise unreadable from None
    if not _mostly_chinese(text):
        raise unreadable
    return text


def _utf8_chinese(prefix: bytes) -> bool:
    """Whether the (valid UTF-8) bytes before a decoding error hold Chinese text, not a few
    GBK byte pairs that happen to be valid UTF-8 too."""
    text = prefix.decode("utf-8-sig", errors="ignore")
    wide = [ch for ch in text if ch >= "\x80"]
    chinese = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff")
    return chinese >= 2 and chinese * 2 >= len(wide)


def _mostly_chinese(text: str) -> bool:
    """GB18030 decodes most byte strings; Latin-1 or Windows-1252 text read as GB18030 turns
    into rare characters (outside GB2312, the 6,763 common ones) and private-use code points.
    A real GBK file has some rare characters (names) among many common ones."""
    common = rare = 0
    for ch in text:
        if ch < "\x80":
            continue
        if "\ue000" <= ch <= "\uf8ff" or "\x80" <= ch <= "\x9f":
            return False
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
        else:
            common += 1
    return rare <= common


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx_records(content: bytes) -> Iterator[Sequence[Any]]:
    _check_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, defusedxml's…)
        raise refuse("不是有效的 Excel 工作簿 (.xlsx)，无法读取：请在 Excel 中另存为 .xlsx 后重试"
                     ) from None
    try:
        if not book.worksheets:
            raise refuse("工作簿中没有工作表")
        sheet: Any = book.worksheets[0]
        # The declared <dimension> is not trusted: a file may declare A1:XFD1048576 and
        # openpyxl would pad every row to it. Without it, each row is as long as its own last
        # cell, and _collect refuses the first row with a filled cell beyond the template.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, values_only=True)
        while True:
            try:
                record = next(rows)
            except StopIteration:
                return
            except ImportFailed:
                raise
            except Exception:  # malformed XML half-way through the sheet
                raise refuse("工作表内容已损坏，无法读取：请在 Excel 中另存为 .xlsx 后重试"
                             ) from None
            yield record
    finally:
        book.close()


def _check_archive(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse("不是有效的 .xlsx 文件（.xlsx 是 zip 格式的压缩包）：可能是改了扩展名的"
                     "其他文件，请在 Excel 中另存为 .xlsx 后重试") from None
    with archive:
        members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    bomb = [m for m in members if m.file_size > RATIO_FLOOR
            and m.file_size > MAX_RATIO * max(m.compress_size, 1)]
    if unpacked > MAX_UNPACKED_BYTES or bomb:
        raise refuse(f"压缩包解压后过大（{_size(unpacked)}）或压缩比异常，疑似恶意文件，"
                     "未读取")
