"""Excel (.xlsx) and CSV import/export of yearly figures and events, as departments exchange them.

A file is validated row by row before anything is written: every bad row is reported with its
row number (as the spreadsheet shows it; the header is row 1), column and reason, and a file
with any bad row imports nothing. A good file is imported in one transaction, each record
through registry.services (so each is audited). Export writes the same format back.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from openpyxl import Workbook, load_workbook

from policyhub.audit.services import record
from policyhub.engine import creditcode
from policyhub.registry import cells, permissions, services
from policyhub.registry.models import (
    DATE_FIELD,
    Organisation,
    Person,
    RegistryEvent,
    Team,
    YearlyFigure,
)
from policyhub.registry.validation import parse_event, payload_fields
from policyhub.units.models import Unit

Kind = Literal["figures", "events"]
KINDS: tuple[Kind, ...] = ("figures", "events")
Track = Callable[[Sequence[Any], str], Iterable[Any]]


@dataclass(frozen=True)
class Column:
    name: str  # English alias, also the field or payload key
    zh: str  # the header written on export
    kind: str  # a cells.PARSERS key
    required: bool = False


FIGURE_COLUMNS = (
    Column("credit_code", "统一社会信用代码", "text", True),
    Column("year", "年度", "int", True),
    Column("main_business_revenue", "主营业务收入", "money", True),
    Column("tax_paid", "纳税额", "money"),
    Column("rd_spend", "研发投入", "money"),
    Column("headcount", "从业人数", "int"),
    Column("source", "来源单位", "text"),
)
# The applicant is one of the three: a credit code, or a person's or team's registry number.
APPLICANT_COLUMNS = ("credit_code", "person_id", "team_id")
EVENT_COLUMNS = (
    Column("credit_code", "统一社会信用代码", "text"),
    Column("person_id", "人才编号", "int"),
    Column("team_id", "团队编号", "int"),
    Column("type", "事件类型", "text", True),
    Column("date", "日期", "date", True),
    Column("matter", "事项编号", "text"),
    Column("source", "来源单位", "text"),
    # payload fields, named as the engine names them (docs/registry.md lists the values)
    Column("level", "级别", "text"),
    Column("category", "类别", "text"),
    Column("stage", "阶段", "text"),
    Column("kind", "项目类型", "text"),
    Column("rank", "名次", "int"),
    Column("rule", "政策条款", "text"),
    Column("paid_in_capital", "实缴资本", "money"),
    Column("completed_investment", "完成投资额", "money"),
    Column("schedule_met", "按期完成", "bool"),
    Column("housing_price_per_m2", "购房单价", "money"),
    Column("total_investment", "总投资", "money"),
    Column("actual_investment", "实际投资", "money"),
    Column("construction_cost", "建设投入", "money"),
    Column("major_public_platform", "重大公共平台", "bool"),
    Column("rd_investment", "项目研发投入", "money"),
    Column("selected", "入选", "bool"),
    Column("settles_in_changsha", "来长落户", "bool"),
    Column("fees", "服务费明细", "fees"),
    Column("revision", "修订", "bool"),  # standard_led, optional (contract Revision 2)
)
COLUMNS: dict[Kind, tuple[Column, ...]] = {"figures": FIGURE_COLUMNS, "events": EVENT_COLUMNS}
ENVELOPE = {"credit_code", "person_id", "team_id", "type", "date", "matter", "source"}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}]: {self.reason}"


class ImportFailed(Exception):
    """Every bad row of a file, by row (a stable sort: a row's problems keep their order);
    shared with the service-centre imports (centres.common)."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__("\n".join(str(e) for e in self.errors))

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


@dataclass
class ImportResult:
    kind: Kind
    rows: int
    created: int = 0
    updated: int = 0


@dataclass
class _Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)


def _identity(rows: Sequence[Any], desc: str) -> Iterable[Any]:
    return rows


# --- reading ---------------------------------------------------------------------------------


def _header_key(raw: Any) -> str:
    text = str(raw or "").strip()
    for suffix in ("（元）", "(元)"):  # "主营业务收入（元）" is the same column
        text = text.removesuffix(suffix)
    return text.strip().casefold()


def _read_cells(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:  # Excel's CSV starts with a BOM
            return [list(r) for r in csv.reader(fh)]
    if path.suffix.lower() != ".xlsx":
        raise ImportFailed([RowError(0, "file", f"只支持 .xlsx 和 .csv 文件：{path.name}")])
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _map_header(header: list[Any], columns: tuple[Column, ...]) -> dict[int, Column]:
    by_key = {}
    for c in columns:
        by_key[c.name.casefold()] = c
        by_key[c.zh.casefold()] = c
    found: dict[int, Column] = {}
    errors = []
    for i, raw in enumerate(header):
        if cells.is_blank(raw):
            continue
        col = by_key.get(_header_key(raw))
        if col is None:
            errors.append(RowError(1, str(raw), "未知列 (unknown column)"))
        elif col in found.values():
            errors.append(RowError(1, str(raw), f"列重复：{col.zh}/{col.name}"))
        else:
            found[i] = col
    present = set(found.values())
    errors += [RowError(1, f"{c.zh}/{c.name}", "缺少必填列 (missing column)")
               for c in columns if c.required and c not in present]
    if errors:
        raise ImportFailed(errors)
    return found


def read_rows(path: Path, kind: Kind) -> tuple[list[_Row], list[RowError]]:
    """Parsed cells of every non-blank row, and every cell that did not parse."""
    table = _read_cells(path)
    if not table:
        raise ImportFailed([RowError(1, "header", "文件为空 (empty file)")])
    mapping = _map_header(table[0], COLUMNS[kind])
    rows, errors = [], []
    for number, raw in enumerate(table[1:], start=2):
        if all(cells.is_blank(v) for v in raw):
            continue
        row = _Row(number)
        for i, col in mapping.items():
            value = raw[i] if i < len(raw) else None
            if cells.is_blank(value):
                if col.required:
                    errors.append(RowError(number, col.zh, "必填 (required)"))
                continue
            try:
                row.values[col.name] = cells.PARSERS[col.kind](value)
            except ValueError as exc:
                errors.append(RowError(number, col.zh, str(exc)))
        rows.append(row)
    return rows, errors


# --- validating ------------------------------------------------------------------------------


class _Lookup:
    """Registry look-ups shared by the rows of one file."""

    def __init__(self) -> None:
        self.orgs: dict[str, Organisation | None] = {}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.units |= {u.name: u for u in self.units.values()}

    def organisation(self, code: str) -> Organisation:
        code = code.upper()
        why = creditcode.problem(code)
        if why:
            raise ValueError(f"统一社会信用代码无效：{why}")
        if code not in self.orgs:
            self.orgs[code] = Organisation.objects.filter(credit_code=code).first()
        found = self.orgs[code]
        if found is None:
            raise ValueError(f"登记库中没有统一社会信用代码为 {code} 的主体")
        return found

    def unit(self, name: str) -> Unit:
        if name not in self.units:
            raise ValueError(f"未知单位“{name}”：填写单位名称或代码")
        return self.units[name]


def _col(name: str, kind: Kind) -> str:
    return next(c.zh for c in COLUMNS[kind] if c.name == name)


def _permit(actor: services.Actor, rec: permissions.Record, row: int,
            errors: list[RowError], column: str) -> None:
    if actor is None:
        return
    allowed, reason = permissions.can_edit(actor, rec)
    if not allowed:
        errors.append(RowError(row, column, reason))


def _plan_figure(row: _Row, look: _Lookup, actor: services.Actor,
                 errors: list[RowError], seen: dict[tuple[str, int], int]) -> None:
    v = row.values
    if "credit_code" not in v:  # blank: already reported as required
        return
    try:
        org = look.organisation(v["credit_code"])
    except ValueError as exc:
        errors.append(RowError(row.number, _col("credit_code", "figures"), str(exc)))
        return
    year = v.get("year")
    if year is not None:
        if not 1900 <= year <= 2100:
            errors.append(RowError(row.number, "年度", f"年度 {year} 不合理"))
        key = (org.credit_code, year)
        if key in seen:
            errors.append(RowError(row.number, "年度",
                                   f"与第{seen[key]}行重复：同一主体同一年度只能有一行"))
        seen.setdefault(key, row.number)
    if v.get("source"):
        try:
            v["source"] = look.unit(v["source"])
        except ValueError as exc:
            errors.append(RowError(row.number, "来源单位", str(exc)))
    v["organisation"] = org
    _permit(actor, org, row.number, errors, _col("credit_code", "figures"))


def _event_applicant(row: _Row, look: _Lookup) -> Organisation | Person | Team:
    given = [c for c in APPLICANT_COLUMNS if c in row.values]
    if len(given) != 1:
        raise ValueError("统一社会信用代码、人才编号、团队编号须填且只填一项")
    which, value = given[0], row.values[given[0]]
    if which == "credit_code":
        return look.organisation(value)
    model: type[Person] | type[Team] = Person if which == "person_id" else Team
    found = model.objects.filter(pk=value).first()
    if found is None:
        raise ValueError(f"登记库中没有编号为 {value} 的{model._meta.verbose_name}")
    return found


def _plan_event(row: _Row, look: _Lookup, actor: services.Actor,
                errors: list[RowError]) -> None:
    v, before = row.values, len(errors)
    try:
        v["applicant"] = _event_applicant(row, look)
    except ValueError as exc:
        errors.append(RowError(row.number, "统一社会信用代码/人才编号/团队编号", str(exc)))
    if v.get("source"):
        try:
            v["source"] = look.unit(v["source"])
        except ValueError as exc:
            errors.append(RowError(row.number, "来源单位", str(exc)))
    if "type" in v:
        _check_payload(row, errors)
    if len(errors) == before:
        _permit(actor, v["applicant"], row.number, errors, "统一社会信用代码/人才编号/团队编号")


def _check_payload(row: _Row, errors: list[RowError]) -> None:
    v = row.values
    event_type = v["type"]
    wanted = set(payload_fields(event_type)) if event_type in DATE_FIELD else set()
    stray = [k for k in v if k not in ENVELOPE and k not in wanted and k != "applicant"]
    for name in stray:  # a filled cell the type has no use for is likely in the wrong row
        errors.append(RowError(row.number, _col(name, "events"),
                               f"事件类型 {event_type} 不使用此列"))
    payload = {k: v[k] for k in wanted if k in v}
    if "date" not in v:  # unreadable: reported already; the payload cannot be judged alone
        return
    try:
        v["payload"] = parse_event(event_type, v["date"], payload, v.get("matter", ""))
    except ValidationError as exc:
        for name, reasons in exc.message_dict.items():
            base = name.split("[", 1)[0].split(".", 1)[0]
            column = _col(base, "events") if base in {c.name for c in EVENT_COLUMNS} else name
            errors += [RowError(row.number, column, r) for r in reasons]


# --- importing -------------------------------------------------------------------------------


def import_file(path: Path, kind: Kind, *, actor: services.Actor = None,
                track: Track = _identity) -> ImportResult:
    """Validate every row, then import all of them in one transaction, or raise ImportFailed
    listing every bad row (and import nothing)."""
    rows, errors = read_rows(path, kind)
    look, seen = _Lookup(), dict[tuple[str, int], int]()
    for row in track(rows, "校验 validating"):
        if kind == "figures":
            _plan_figure(row, look, actor, errors, seen)
        else:
            _plan_event(row, look, actor, errors)
    if errors:
        _refuse(actor, path, kind, errors)
    result = ImportResult(kind, len(rows))
    try:
        with transaction.atomic():
            for row in track(rows, "导入 importing"):
                _apply(row, kind, actor, result)
            record(actor, "registry.import", None, kind=kind, file=path.name, rows=len(rows),
                   created=result.created, updated=result.updated)
    except ValidationError as exc:  # a model check the row checks did not foresee
        raise ImportFailed([RowError(0, "", "; ".join(exc.messages))]) from exc
    return result


def _refuse(actor: services.Actor, path: Path, kind: Kind, errors: list[RowError]) -> None:
    errors.sort(key=lambda e: e.row)
    bad_rows = sorted({e.row for e in errors})
    record(actor, "registry.import", None, allowed=False,
           reason=f"{len(bad_rows)} 行有误，未导入任何数据", kind=kind, file=path.name,
           errors=[str(e) for e in errors[:200]])
    raise ImportFailed(errors)


def _apply(row: _Row, kind: Kind, actor: services.Actor, result: ImportResult) -> None:
    v = row.values
    if kind == "figures":
        existed = YearlyFigure.objects.filter(organisation=v["organisation"],
                                              year=v["year"]).exists()
        services.record_figure(actor, v["organisation"], v["year"],
                               main_business_revenue=v["main_business_revenue"],
                               tax_paid=v.get("tax_paid"), rd_spend=v.get("rd_spend"),
                               headcount=v.get("headcount"), source=v.get("source"))
        result.updated += existed
        result.created += not existed
        return
    services.record_event(actor, v["applicant"], v["type"], v["date"], v["payload"],
                          matter=v.get("matter", ""), source=v.get("source"))
    result.created += 1


# --- exporting -------------------------------------------------------------------------------


def figure_rows(orgs: QuerySet[Organisation] | None) -> list[dict[str, Any]]:
    figures = YearlyFigure.objects.all() if orgs is None else \
        YearlyFigure.objects.filter(organisation__in=orgs)
    figures = figures.select_related("organisation", "source").order_by(
        "organisation__credit_code", "year")
    return [{"credit_code": f.organisation.credit_code, "year": f.year,
             "main_business_revenue": f.main_business_revenue, "tax_paid": f.tax_paid,
             "rd_spend": f.rd_spend, "headcount": f.headcount,
             "source": f.source.name if f.source else None} for f in figures]


def event_rows(orgs: QuerySet[Organisation] | None) -> list[dict[str, Any]]:
    """Events of `orgs` and of the people and teams working for them; None: every event
    (including those of people and teams with no organisation)."""
    events = RegistryEvent.objects.all()
    if orgs is not None:
        events = events.filter(Q(organisation__in=orgs) | Q(person__organisation__in=orgs)
                               | Q(team__leader__organisation__in=orgs))
    events = events.select_related("organisation", "source").order_by("date", "id")
    out = []
    for e in events:
        row: dict[str, Any] = {
            "credit_code": e.organisation.credit_code if e.organisation else None,
            "person_id": e.person_id, "team_id": e.team_id, "type": e.type, "date": e.date,
            "matter": e.matter or None, "source": e.source.name if e.source else None}
        row.update(e.payload)
        out.append(row)
    return out


def export_file(path: Path, kind: Kind,
                orgs: QuerySet[Organisation] | None = None) -> int:
    """Write the figures or events of `orgs` (default: everything) in the import format;
    returns the number of rows. People and teams go with the organisation they work for."""
    data = figure_rows(orgs) if kind == "figures" else event_rows(orgs)
    columns = COLUMNS[kind]
    table = [[cells.to_cell(c.kind, r.get(c.name)) for c in columns] for r in data]
    header = [c.zh for c in columns]
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows([cells.to_csv(v) for v in r] for r in table)
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "年度数据" if kind == "figures" else "政策事件"
        sheet.append(header)
        for r in table:
            sheet.append(r)
        _date_format(sheet, columns)
        book.save(path)
    return len(data)


def _date_format(sheet: Any, columns: tuple[Column, ...]) -> None:
    for i, c in enumerate(columns, start=1):
        if c.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"

