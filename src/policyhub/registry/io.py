"""Excel (.xlsx) and CSV import/export of yearly figures and events, as departments exchange them.

A file is validated row by row before anything is written: every bad row is reported with its
row number (as the spreadsheet shows it; the header is row 1), column and reason, and a file
with any bad row imports nothing. A good file is imported in one transaction, each record
through registry.services (so each is audited). Export writes the same format back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q, QuerySet
from openpyxl import Workbook

from policyhub import clock
from policyhub.audit.services import record
from policyhub.engine import creditcode
from policyhub.imports.kinds import Plan, Progress
from policyhub.registry import cells, permissions, services, writing
from policyhub.registry.models import (
    DATE_FIELD,
    Organisation,
    Person,
    RegistryEvent,
    Team,
    YearlyFigure,
)
from policyhub.registry.reader import ImportFailed as ImportFailed
from policyhub.registry.reader import RowError as RowError
from policyhub.registry.reader import Table, read_table, refuse
from policyhub.registry.validation import parse_event, payload_fields
from policyhub.units.models import Unit
from policyhub.web.formulas import escape

Kind = Literal["figures", "events"]
KINDS: tuple[Kind, ...] = ("figures", "events")
Track = Callable[[Sequence[Any], str], Iterable[Any]]
T = TypeVar("T")


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
FIRST_YEAR = 1990  # a figure's year: FIRST_YEAR … today's year + 1 (policyhub.clock)
ENVELOPE = {"credit_code", "person_id", "team_id", "type", "date", "matter", "source"}


@dataclass
class ImportResult:
    kind: str  # a Kind, or one of registry.imports_objects.KINDS
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # events already on the registry, not recorded twice


@dataclass
class _Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)


ImportRow = _Row  # the public name (the organisation, person and team imports use it)


def _identity(rows: Sequence[Any], desc: str) -> Iterable[Any]:
    return rows


# --- reading ---------------------------------------------------------------------------------


def _header_key(raw: Any) -> str:
    text = str(raw or "").strip()
    for suffix in ("（元）", "(元)"):  # "主营业务收入（元）" is the same column
        text = text.removesuffix(suffix)
    return text.strip().casefold()


def read_file(path: Path, kind: Kind) -> Table:
    """The file's header and non-blank rows (registry.reader: limits, encodings, bombs)."""
    return _read_table(path, len(COLUMNS[kind]))


def _read_table(path: Path, width: int) -> Table:
    limit = int(settings.UPLOAD_MAX_BYTES)
    size = path.stat().st_size
    if size > limit:  # before reading it into memory
        raise refuse(f"文件过大：{size:,} 字节，上限为 {limit:,} 字节")
    return read_table(path.read_bytes(), path.name, width=width)


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
    _, _, rows, errors = _read(path, kind)
    return rows, errors


def _read(path: Path, kind: Kind
          ) -> tuple[Table, dict[int, Column], list[_Row], list[RowError]]:
    return read_columns(path, COLUMNS[kind])


def read_columns(path: Path, columns: tuple[Column, ...]
                 ) -> tuple[Table, dict[int, Column], list[_Row], list[RowError]]:
    """The table, its header mapped to `columns`, every row's parsed cells and every cell
    that did not parse; shared with the organisation, person and team imports."""
    table = _read_table(path, len(columns))
    mapping = _map_header(table.header, columns)
    rows, errors = [], []
    for number, raw in table.rows:
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
    return table, mapping, rows, errors


# --- validating ------------------------------------------------------------------------------


class _Lookup:
    """Registry look-ups shared by the rows of one file."""

    def __init__(self) -> None:
        self.orgs: dict[str, Organisation | None] = {}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.units |= {u.name: u for u in self.units.values()}
        self.decisions: dict[tuple[str, Any], permissions.Decision] = {}
        self.people: dict[tuple[str, int], Person | Team | None] = {}
        self.checker: Callable[[permissions.Record], permissions.Decision] | None = None
        self.last_year = clock.today().year + 1  # a figure's latest year, once per file

    def prefetch_people(self, rows: Iterable[_Row]) -> None:
        """The people and teams an events file names, in one query each."""
        for column, model in (("person_id", Person), ("team_id", Team)):
            wanted = {r.values[column] for r in rows if isinstance(r.values.get(column), int)}
            found: dict[int, Person | Team] = {
                o.pk: o for o in model._default_manager.filter(pk__in=wanted)}
            self.people |= {(column, pk): found.get(pk) for pk in wanted}

    def person_or_team(self, column: str, pk: int) -> Person | Team | None:
        key = (column, pk)
        if key not in self.people:
            model: type[Person] | type[Team] = Person if column == "person_id" else Team
            self.people[key] = model._default_manager.filter(pk=pk).first()
        return self.people[key]

    def prefetch(self, codes: Iterable[str]) -> None:
        """The organisations of a whole file in one query, not one per row."""
        wanted = {str(c).strip().upper() for c in codes}
        wanted = {c for c in wanted if not creditcode.problem(c)} - set(self.orgs)
        found = {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=wanted)}
        self.orgs |= {c: found.get(c) for c in wanted}

    def can_edit(self, actor: services.Actor, rec: permissions.Record) -> permissions.Decision:
        """permissions.can_edit, once per record of the file (rows repeat organisations)."""
        if actor is None:
            return permissions.OK
        key = (rec._meta.label, rec.pk)
        if key not in self.decisions:
            if self.checker is None:
                self.checker = permissions.edit_checker(actor)
            self.decisions[key] = self.checker(rec)
        return self.decisions[key]

    def organisation(self, code: str) -> Organisation:
        code = code.upper()
        if code not in self.orgs:  # `orgs` holds only codes that passed the check
            why = creditcode.problem(code)
            if why:
                raise ValueError(f"统一社会信用代码无效：{why}")
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


def _permit(look: _Lookup, actor: services.Actor, rec: permissions.Record, row: int,
            errors: list[RowError], column: str) -> None:
    allowed, reason = look.can_edit(actor, rec)
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
        last = look.last_year
        if not FIRST_YEAR <= year <= last:
            errors.append(RowError(row.number, "年度", f"年度 {year} 超出范围：年度应在 "
                                   f"{FIRST_YEAR} 至 {last} 年之间（今年加一年）"))
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
    _permit(look, actor, org, row.number, errors, _col("credit_code", "figures"))


def _event_applicant(row: _Row, look: _Lookup) -> Organisation | Person | Team:
    given = [c for c in APPLICANT_COLUMNS if c in row.values]
    if len(given) != 1:
        raise ValueError("统一社会信用代码、人才编号、团队编号须填且只填一项")
    which, value = given[0], row.values[given[0]]
    if which == "credit_code":
        return look.organisation(value)
    model: type[Person] | type[Team] = Person if which == "person_id" else Team
    found = look.person_or_team(which, value)
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
        _permit(look, actor, v["applicant"], row.number, errors,
                "统一社会信用代码/人才编号/团队编号")


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


class _Tracked(Progress):
    """A `track` function (the CLI's progress bar, a test's) as the job's Progress."""

    def __init__(self, track: Track) -> None:
        self._track = track

    def track(self, rows: Sequence[T], desc: str = "") -> Iterator[T]:
        yield from self._track(rows, desc)


@dataclass
class Validated:
    """A file every row of which passed: what `write_plan` writes."""

    kind: Kind
    rows: list[_Row]
    file: str


def import_file(path: Path, kind: Kind, *, actor: services.Actor = None,
                track: Track = _identity) -> ImportResult:
    """Validate every row with no transaction open, then write them in short batches
    (registry.writing), or raise ImportFailed listing every bad row (and import nothing)."""
    plan = validate_file(path, kind, actor=actor, progress=_Tracked(track))
    return write_plan(plan, actor=actor)


def validate_file(path: Path, kind: Kind, *, actor: services.Actor = None,
                  progress: Progress | None = None) -> Plan:
    """Read and check the whole file (no transaction, no lock); ImportFailed lists every bad
    row. The plan's data is a `Validated`."""
    progress = progress or Progress()
    table, mapping, rows, errors = _read(path, kind)
    progress.read(len(rows))
    look, seen = _Lookup(), dict[tuple[str, int], int]()
    look.prefetch(r.values["credit_code"] for r in rows if isinstance(
        r.values.get("credit_code"), str))
    if kind == "events":
        look.prefetch_people(rows)
    unreadable = {e.row for e in errors}
    for row in progress.track(rows, "校验 validating"):
        before = len(errors)
        if kind == "figures":
            _plan_figure(row, look, actor, errors, seen)
        else:
            _plan_event(row, look, actor, errors)
        if len(errors) == before and row.number not in unreadable:
            if kind == "figures":
                _figure_check(row, errors)
            else:
                _event_check(row, errors)
    if kind == "events" and not errors:
        _same_events(rows, errors)
    if errors:
        _refuse(actor, path, kind, errors, table, mapping)
    return Plan(len(rows), Validated(kind, rows, path.name),
                {"kind": kind, "file": path.name, "rows": len(rows)})


def write_plan(plan: Plan, *, actor: services.Actor = None,
               progress: Progress | None = None) -> ImportResult:
    """Write a validated file in batches (registry.writing); PartlyWritten when a later batch
    fails after its retries."""
    progress = progress or Progress()
    data: Validated = plan.data
    numbers = [r.number for r in data.rows]
    if data.kind == "figures":
        written = writing.write_figures(actor, [r.values for r in data.rows], plan.summary,
                                        numbers=numbers, report=progress.wrote)
    else:
        written = writing.write_events(actor, [r.values["event"] for r in data.rows],
                                       [str(r.values["applicant"]) for r in data.rows],
                                       plan.summary, numbers=numbers, report=progress.wrote)
    return ImportResult(data.kind, plan.rows, created=written.created, updated=written.updated,
                        unchanged=written.unchanged)


def _same_events(rows: list[_Row], errors: list[RowError]) -> None:
    """Two rows of one file for the same event (the same applicant, type, date, matter and
    payload) are one fact written twice: refused like a figure's year given twice."""
    seen: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = writing.event_key(row.values["event"])
        if key in seen:
            errors.append(RowError(row.number, "事件类型",
                                   f"与第{seen[key]}行是同一事件：同一事件只能有一行"))
        seen.setdefault(key, row.number)


def _figure_check(row: _Row, errors: list[RowError]) -> None:
    """The model's own checks of the values a figures row fills (digits, decimal places,
    ranges), field by field on the row's values, as `full_clean` would run them on an
    instance built from them: the same fields' `clean`, so the same reasons. No instance is
    built (at 100,000 rows, building and full-cleaning them took a third of the import:
    bench_import); the figure is written from its values (registry.writing)."""
    v = row.values
    for name, model_field in _figure_fields():
        value = v.get(name)
        if value is None:  # not in the file's row, or blank: full_clean would skip it too
            continue
        try:
            model_field.clean(value, None)
        except ValidationError as exc:
            errors += [RowError(row.number, str(model_field.verbose_name), reason)
                       for reason in exc.messages]


@functools.cache
def _figure_fields() -> tuple[tuple[str, Any], ...]:
    """The figure's fields a file fills, but the foreign keys (found by the look-ups)."""
    return tuple((name, YearlyFigure._meta.get_field(name))
                 for name in ("year", *services.FIGURE_FIELDS) if name not in FKS)


def _event_check(row: _Row, errors: list[RowError]) -> None:
    """An event's own field checks (lengths, digits), before the write phase: the database's
    constraints are what the row checks above already cover (one event per fact, one
    applicant per event), so they are left to the database."""
    v = row.values
    applicant = v["applicant"]
    obj = v["event"] = RegistryEvent(
        type=v["type"], date=v["date"], payload=v["payload"], matter=v.get("matter", ""),
        source=v.get("source"), **services.applicant_fields(applicant))
    try:
        # Only the fields the file fills: foreign keys are the objects the look-ups above
        # just found (checking them again costs one query per row), and the fields the
        # import sets itself (who, when) need no check (bench_import: half the check's time).
        obj.full_clean(exclude=[f for f in _unchecked(type(obj)) if f not in v or f in FKS],
                       validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, reasons in exc.message_dict.items():
            column = (str(getattr(obj._meta.get_field(name), "verbose_name", name))
                      if name != NON_FIELD_ERRORS else "")
            errors += [RowError(row.number, column, reason) for reason in reasons]


FKS = frozenset({"organisation", "person", "team", "source"})


@functools.cache
def _unchecked(model: type[YearlyFigure] | type[RegistryEvent]) -> frozenset[str]:
    """The fields `_event_check` leaves out unless the row fills them (foreign keys always)."""
    always = {"payload"} if model is RegistryEvent else set()
    return frozenset(f.name for f in model._meta.fields) - always | FKS


def _refuse(actor: services.Actor, path: Path, kind: Kind, errors: list[RowError],
            table: Table, mapping: dict[int, Column]) -> None:
    errors.sort(key=lambda e: e.row)
    bad_rows = sorted({e.row for e in errors})
    record(actor, "registry.import", None, allowed=False,
           reason=f"{len(bad_rows)} 行有误，未导入任何数据", kind=kind, file=path.name,
           errors=[str(e) for e in errors[:200]])
    wanted = set(bad_rows)
    rejected = {number: raw for number, raw in table.rows if number in wanted}
    failed = ImportFailed([_with_value(e, rejected.get(e.row), mapping) for e in errors])
    failed.header, failed.rows = table.header, rejected
    raise failed


SHOWN_VALUE_CHARS = 200


def _with_value(error: RowError, raw: list[Any] | None,
                mapping: dict[int, Column]) -> RowError:
    """The error with the cell it names as the file has it (the first filled one of a
    column pair such as 统一社会信用代码/人才编号/团队编号)."""
    if raw is None or error.value:
        return error
    index = {c.zh: i for i, c in mapping.items()}
    for name in error.column.split("/"):
        i = index.get(name)
        if i is not None and i < len(raw) and not cells.is_blank(raw[i]):
            shown = cells.to_csv(raw[i])
            if len(shown) > SHOWN_VALUE_CHARS:
                shown = shown[:SHOWN_VALUE_CHARS] + "…"
            return replace(error, value=shown)
    return error


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
    # Text a spreadsheet would run as a formula gets a leading apostrophe (web.formulas);
    # cells.text takes it off again on import, so the file round-trips.
    table = [[escape(cells.to_cell(c.kind, r.get(c.name))) for c in columns] for r in data]
    header = [c.zh for c in columns]
    if path.suffix.lower() == ".csv":
        cells.write_csv(path, header, table)
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



with_value = _with_value  # public, for registry.imports_objects
