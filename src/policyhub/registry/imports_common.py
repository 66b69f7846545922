"""What the organisation, person and team imports share (registry.imports_orgs,
imports_people, imports_teams): closed-choice cells, length checks, identity numbers and the
write phase's transaction.

Each kind is a plain pair of service functions, `validate(rows) -> (parsed, errors)` and
`write(actor, parsed, summary) -> Written`, so a background-job runner can call them as the
synchronous page does (registry.imports_objects).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model

from policyhub.audit.bulk import hold_lock, record_many
from policyhub.registry.io import ImportRow
from policyhub.registry.models import Organisation, mask_id_number
from policyhub.registry.reader import RowError
from policyhub.registry.services import Actor
from policyhub.registry.writing import BATCH, Written, _retrying
from policyhub.units.models import Unit
from policyhub.units.seed import DISTRICTS

AuditItems = list[tuple[str, Model | None, dict[str, Any]]]
DISTRICT_NAMES: tuple[str, ...] = tuple(name for _, name in DISTRICTS)
LIST_SEPARATORS = re.compile(r"[;；,，、\s]+")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
RESIDENT_ID = re.compile(r"\A[0-9]{17}[0-9X]\Z")
OTHER_ID = re.compile(r"\A[A-Z0-9]{5,20}\Z")  # passport, 港澳台 permits and the like


def too_long(row: ImportRow, name: str, column: str, limit: int,
             errors: list[RowError]) -> None:
    value = row.values.get(name)
    if isinstance(value, str) and len(value) > limit:
        errors.append(RowError(row.number, column,
                               f"过长：最多 {limit} 个字符，此处为 {len(value)} 个字符"))


def choice(row: ImportRow, name: str, column: str, allowed: dict[str, str],
           errors: list[RowError]) -> None:
    """Replace a closed-choice cell (its label or its value) by its value, or report it."""
    value = row.values.get(name)
    if value is None:
        return
    key = str(value).strip()
    found = allowed.get(key) or allowed.get(key.casefold())
    if found is None:
        shown = "、".join(dict.fromkeys(v for k, v in allowed.items() if k != v) or allowed)
        errors.append(RowError(row.number, column, f"不在可选值中：应为 {shown} 之一"))
        del row.values[name]
    else:
        row.values[name] = found


def district(row: ImportRow, column: str, errors: list[RowError]) -> None:
    value = row.values.get("district")
    if value is not None and value not in DISTRICT_NAMES:
        errors.append(RowError(row.number, column, "未知区县（市）：应为长沙市的 "
                               + "、".join(DISTRICT_NAMES) + " 之一"))
        del row.values["district"]


def parks() -> dict[str, Unit]:
    """The parks by name and by code (a template offers the names)."""
    found = list(Unit.objects.filter(kind=Unit.Kind.PARK))
    return {u.name: u for u in found} | {u.code: u for u in found}


def park_names() -> tuple[str, ...]:
    return tuple(Unit.objects.filter(kind=Unit.Kind.PARK).order_by("code")
                 .values_list("name", flat=True))


def park(row: ImportRow, column: str, known: dict[str, Unit], errors: list[RowError]) -> None:
    value = row.values.get("park")
    if value is None:
        return
    unit = known.get(str(value))
    if unit is None:
        errors.append(RowError(row.number, column, "未知园区：填写园区管委会的名称，如 "
                               "长沙高新区管委会（见模板的下拉列表）"))
        del row.values["park"]
    else:
        row.values["park"] = unit


def organisations(codes: Iterable[Any]) -> dict[str, Organisation]:
    """The registry's organisations of these credit codes, in one query."""
    wanted = {str(c).strip().upper() for c in codes if c is not None}
    return {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=wanted)}


def resident_id(first17: str) -> str:
    """A resident ID number with its check character (for examples and tests)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def id_number_problem(raw: str) -> str:
    """Why an identity number is not one, or "". The reason never repeats the number: it is
    personal data, shown and stored only masked (models.mask_id_number)."""
    if RESIDENT_ID.match(raw):
        if resident_id(raw[:17]) != raw:
            return "居民身份证号码校验位不符（GB 11643-1999），请核对"
        return ""
    if len(raw) == 18 and raw[:17].isdigit():
        return "居民身份证号码最后一位应为数字或 X"
    if OTHER_ID.match(raw):
        return ""
    return "证件号码格式不对：居民身份证为18位（末位可为X），其他证件为5至20位字母或数字"


def masked(raw: str) -> str:
    return mask_id_number(raw)


def id_list(row: ImportRow, name: str, column: str, errors: list[RowError]) -> None:
    """A cell of registry numbers separated by ; ， 、 or spaces → a list of ints."""
    value = row.values.get(name)
    if value is None:
        return
    parts = [p for p in LIST_SEPARATORS.split(str(value)) if p]
    bad = [p for p in parts if not p.isdigit()]
    if bad or not parts:
        errors.append(RowError(row.number, column, "应为人才编号（整数），多个以分号分隔，"
                               "如 12;15;20"))
        del row.values[name]
        return
    row.values[name] = [int(p) for p in parts]


def once_per_file(rows: Sequence[ImportRow], key: Callable[[ImportRow], Any], column: str,
                  what: str, errors: list[RowError]) -> None:
    """A key given twice in one file is refused on the later rows (it would be one record
    written twice, and which one wins is not the department's intent)."""
    seen: dict[Any, int] = {}
    for row in rows:
        k = key(row)
        if k is None:
            continue
        if k in seen:
            errors.append(RowError(row.number, column,
                                   f"与第{seen[k]}行重复：同一{what}在一个文件中只能有一行"))
        seen.setdefault(k, row.number)


def write_in_one_transaction(actor: Actor, write: Callable[[AuditItems], Written],
                             summary: dict[str, Any]) -> Written:
    """Run `write` in one transaction under the audit head lock (taken first, as the figures'
    import does), then append its audit items and the import's summary in batches;
    a conflict with a concurrent writer is retried, then refused (registry.writing)."""
    def once() -> Written:
        with transaction.atomic():
            hold_lock()
            items = AuditItems()
            done = write(items)
            items.append(("registry.import", None, {**summary, "created": done.created,
                                                    "updated": done.updated}))
            record_many(actor, items, batch=BATCH)
        return done
    return _retrying(once)
