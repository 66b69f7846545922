"""The imports of the registry's own objects — organisations, people and teams — as one
entry point beside registry.io's figures and events: who may import, read, validate, refuse or
write. Each kind is a plain (validate, write, template) triple in its own module, so a job
runner can call the same functions (see ObjectKind): `may_start(actor)`, then
`validate_file(path, kind, actor=…) -> Validated` (no transaction, no lock), then
`write_validated(plan, actor=…)` (one short transaction); `import_file` is the two in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from django.db.models import QuerySet

from policyhub.audit.services import record
from policyhub.registry import cells, imports_orgs, imports_people, imports_teams, permissions
from policyhub.registry.io import (
    Column,
    ImportFailed,
    ImportResult,
    ImportRow,
    read_columns,
    with_value,
)
from policyhub.registry.models import Organisation, mask_id_number
from policyhub.registry.reader import RowError, Table, refuse
from policyhub.registry.services import Actor
from policyhub.registry.template_file import TemplateSpec, build
from policyhub.registry.writing import Written
from policyhub.web.excel import write_table
from policyhub.web.formulas import escape

ObjectKindName = Literal["organisations", "people", "teams"]
Validate = Callable[[Sequence[ImportRow]], tuple[list[dict[str, Any]], list[RowError]]]
Write = Callable[[Actor, Sequence[dict[str, Any]], dict[str, Any]], Written]


@dataclass(frozen=True)
class ObjectKind:
    label: str  # shown on the import page
    columns: tuple[Column, ...]
    validate: Validate
    write: Write
    template: Callable[[], TemplateSpec]
    export: Callable[[QuerySet[Organisation] | None], list[dict[str, Any]]]
    private: frozenset[str] = frozenset()  # columns masked wherever a cell is shown back


KINDS: dict[str, ObjectKind] = {
    "organisations": ObjectKind("主体", imports_orgs.COLUMNS, imports_orgs.validate,
                                imports_orgs.write, imports_orgs.template,
                                imports_orgs.export_rows),
    "people": ObjectKind("人才", imports_people.COLUMNS, imports_people.validate,
                         imports_people.write, imports_people.template,
                         imports_people.export_rows, imports_people.PRIVATE),
    "teams": ObjectKind("团队", imports_teams.COLUMNS, imports_teams.validate,
                        imports_teams.write, imports_teams.template, imports_teams.export_rows,
                        imports_teams.PRIVATE),
}


def template_bytes(kind: str) -> bytes:
    return build(KINDS[kind].template())


def import_file(path: Path, kind: str, *, actor: Actor = None) -> ImportResult:
    """Import `path` as `kind`, all or nothing: raise ImportFailed listing every bad row (and
    write nothing), or write every row in one transaction, audited (registry.imports_common).
    `actor` None is the system (commands); a user must be registry staff."""
    return write_validated(validate_file(path, kind, actor=actor), actor=actor)


@dataclass
class Validated:
    """A file of `kind` every row of which passed: what `write_validated` writes (a job
    runner may keep it between its validate and write steps)."""

    kind: str
    file: str
    rows: int
    parsed: list[dict[str, Any]]


def may_start(actor: Actor) -> permissions.Decision:
    """Whether `actor` may import organisations, people or teams (None: the system)."""
    return permissions.can_import_objects(actor) if actor is not None else permissions.OK


def validate_file(path: Path, kind: str, *, actor: Actor = None) -> Validated:
    """Read and check the whole file with no transaction open and no lock held; raise
    ImportFailed (audited) for a refused user or listing every bad row."""
    spec = KINDS[kind]
    allowed, reason = may_start(actor)
    if not allowed:
        record(actor, "registry.import", None, allowed=False, reason=reason, kind=kind,
               file=path.name)
        raise refuse(reason)
    table, mapping, rows, errors = read_columns(path, spec.columns)
    parsed, more = spec.validate(rows)
    errors += more
    if errors:
        _refuse(actor, path, kind, errors, table, mapping)
    return Validated(kind, path.name, len(rows), parsed)


def write_validated(plan: Validated, *, actor: Actor = None) -> ImportResult:
    """Write a validated file in one transaction under the audit head lock, audited."""
    summary = {"kind": plan.kind, "file": plan.file, "rows": plan.rows}
    done = KINDS[plan.kind].write(actor, plan.parsed, summary)
    return ImportResult(plan.kind, plan.rows, created=done.created, updated=done.updated,
                        unchanged=done.unchanged)


def _refuse(actor: Actor, path: Path, kind: str, errors: list[RowError], table: Table,
            mapping: dict[int, Column]) -> None:
    errors.sort(key=lambda e: e.row)
    bad_rows = sorted({e.row for e in errors})
    record(actor, "registry.import", None, allowed=False,
           reason=f"{len(bad_rows)} 行有误，未导入任何数据", kind=kind, file=path.name,
           errors=[str(e) for e in errors[:200]])
    private = {i for i, c in mapping.items() if c.zh in KINDS[kind].private}
    wanted = set(bad_rows)
    rejected = {n: _masked(raw, private) for n, raw in table.rows if n in wanted}
    shown = [with_value(e, rejected.get(e.row), mapping) for e in errors]
    failed = ImportFailed([_mask_error(e, KINDS[kind].private) for e in shown])
    failed.header, failed.rows = table.header, rejected
    raise failed


def _masked(raw: list[Any], private: set[int]) -> list[Any]:
    """A rejected row as it is kept and offered back: identity numbers masked."""
    return [mask_id_number(str(v)) if i in private and v is not None else v
            for i, v in enumerate(raw)]


def _mask_error(error: RowError, private: frozenset[str]) -> RowError:
    if error.column in private and error.value and "*" not in error.value:
        return replace(error, value=mask_id_number(error.value))
    return error


def export_file(path: Path, kind: str, orgs: QuerySet[Organisation] | None = None) -> int:
    """Write the `kind` records of `orgs` (None: all) in the import's format (.csv or .xlsx,
    by the suffix), text a spreadsheet would run quoted (web.formulas); the row count."""
    spec = KINDS[kind]
    data = spec.export(orgs)
    header = [c.zh for c in spec.columns]
    table = [[escape(cells.to_cell(c.kind, r.get(c.name))) for c in spec.columns]
             for r in data]
    if path.suffix.lower() == ".csv":
        cells.write_csv(path, header, table)
    else:
        path.write_bytes(write_table(header, table, spec.label))
    return len(data)
