"""Import of people (人才): talents of 二(五)/(十), with their employer and scope flags.

Identity numbers are personal data. The registry keeps only their masked form
(models.mask_id_number: first 4 and last 4 characters); an import reads the full number once,
checks it (a resident ID's GB 11643-1999 check character), masks it and forgets it: it is never
stored, audited, echoed in an error or written into the file of rejected rows (those cells are
masked before the refusal is kept, registry.imports_objects).

A row with a 人才编号 (registry number) updates that person; a row without one adds a person,
and is refused when the registry already has a person of the same name with the same masked
identity number (or, with no number given, the same name at the same employer): the message
gives that person's number, to be put in the 人才编号 column if an update was meant. The same
person twice in one file (number, or identity number) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from policyhub.registry import imports_common as common
from policyhub.registry.io import Column, ImportRow
from policyhub.registry.models import Organisation, Person
from policyhub.registry.reader import RowError
from policyhub.registry.services import Actor, snapshot
from policyhub.registry.template_file import BOOLEANS, TemplateSpec
from policyhub.registry.writing import BATCH, Written

NAME_MAX = 100  # Person.name
ID = "证件号码"
ORG = "所在单位统一社会信用代码"
COLUMNS = (
    Column("person_id", "人才编号", "int"),
    Column("name", "姓名", "text", True),
    Column("id_number", ID, "text"),
    Column("organisation", ORG, "text"),
    Column("works_in_changsha", "在长沙工作", "bool"),
    Column("based_in_changsha", "常驻长沙", "bool"),
    Column("cybersecurity_field", "从事网络安全领域工作", "bool"),
)
PRIVATE = frozenset({ID})  # columns masked in errors and in the rejected rows' file
FIELDS = ("name", "id_number_masked", "organisation", "works_in_changsha", "based_in_changsha",
          "cybersecurity_field")


def _check_id(row: ImportRow, known: dict[int, Person], errors: list[RowError]) -> str | None:
    """The full identity number (only for finding duplicates in this file), masked in
    row.values; None when blank or bad. A masked number (an export's) is accepted only as
    the registered person's own, unchanged."""
    raw = row.values.pop("id_number", None)
    if raw is None:
        return None
    raw = str(raw).strip().upper().replace(" ", "")
    if "*" in raw:
        person = known.get(row.values.get("person_id", 0))
        if person is None or person.id_number_masked != raw:
            errors.append(RowError(row.number, ID, "脱敏的证件号码只能原样用于更新同一人才："
                                   "新增请填写完整号码，或留空", raw))
        return None
    why = common.id_number_problem(raw)
    if why:
        errors.append(RowError(row.number, ID, why, common.masked(raw)))
        return None
    row.values["id_number_masked"] = common.masked(raw)
    return raw


def validate(rows: Sequence[ImportRow]) -> tuple[list[dict[str, Any]], list[RowError]]:
    errors: list[RowError] = []
    orgs = common.organisations(r.values.get("organisation") for r in rows)
    known = Person.objects.in_bulk([r.values["person_id"] for r in rows if "person_id" in r.values])
    full_ids: dict[int, str] = {}
    for row in rows:
        v = row.values
        common.too_long(row, "name", "姓名", NAME_MAX, errors)
        full = _check_id(row, known, errors)
        if full is not None:
            full_ids[row.number] = full
        if "person_id" in v:
            v["person"] = known.get(v["person_id"])
            if v["person"] is None:
                errors.append(RowError(row.number, "人才编号",
                                       f"登记库中没有编号为 {v['person_id']} 的人才"))
        if "organisation" in v:
            code = str(v["organisation"]).upper()
            v["organisation"] = orgs.get(code)
            if v["organisation"] is None:
                errors.append(RowError(row.number, ORG, f"登记库中没有统一社会信用代码为 {code} "
                                       "的主体：请先导入主体"))
                del v["organisation"]
    common.once_per_file(rows, lambda r: r.values.get("person_id"), "人才编号", "人才", errors)
    common.once_per_file(rows, lambda r: full_ids.get(r.number), ID, "证件号码", errors)
    _already_registered(rows, errors)
    parsed = [{k: val for k, val in r.values.items() if k != "person_id"} for r in rows]
    return parsed, errors


def _already_registered(rows: Sequence[ImportRow], errors: list[RowError]) -> None:
    new = [r for r in rows if "person_id" not in r.values and "name" in r.values]
    same_name: dict[str, list[Person]] = {}
    for p in Person.objects.filter(name__in={r.values["name"] for r in new}):
        same_name.setdefault(p.name, []).append(p)
    for row in new:
        v = row.values
        masked_id = v.get("id_number_masked", "")
        for p in same_name.get(v["name"], []):
            if masked_id:
                same = p.id_number_masked == masked_id
            else:
                org = v.get("organisation")
                same = not p.id_number_masked and p.organisation_id == (org.pk if org else None)
            if same:
                errors.append(RowError(
                    row.number, "姓名", f"登记库中已有同名且证件号码（或所在单位）相同的人才"
                    f"（人才编号 {p.pk}）：如需更新其信息，请在“人才编号”列填写 {p.pk}"))
                break


def write(actor: Actor, parsed: Sequence[dict[str, Any]], summary: dict[str, Any]) -> Written:
    """Create or update one person per (validated) row, audited, in one transaction."""
    def apply(items: common.AuditItems) -> Written:
        ids = [v["person"].pk for v in parsed if v.get("person") is not None]
        current = Person.objects.select_for_update().in_bulk(ids)
        new: list[Person] = []
        updated = 0
        for v in parsed:
            fields = {k: v[k] for k in FIELDS if k in v}
            person = current.get(v["person"].pk) if v.get("person") is not None else None
            if person is None:
                new.append(Person(**fields))
                continue
            changed = {k: val for k, val in fields.items() if _differs(person, k, val)}
            if changed:
                before = snapshot(person, _audited(changed))
                for k, val in changed.items():
                    setattr(person, k, val)
                person.save(update_fields=list(changed))
                items.append(("registry.person.update", person,
                              {"before": before, "after": snapshot(person, _audited(changed))}))
                updated += 1
        Person.objects.bulk_create(new, batch_size=BATCH)
        items += [("registry.person.create", p, {"name": p.name,
                                                 "organisation": p.organisation_id})
                  for p in new]
        return Written(created=len(new), updated=updated,
                       unchanged=len(parsed) - len(new) - updated)
    return common.write_in_one_transaction(actor, apply, summary)


def _differs(person: Person, name: str, value: Any) -> bool:
    if name == "organisation":  # by id: no query per person
        return person.organisation_id != (value.pk if value is not None else None)
    return bool(getattr(person, name) != value)


def _audited(changed: dict[str, Any]) -> list[str]:
    """Audited fields: the organisation as its id (snapshot reads `<name>_id` for it)."""
    return [f"{k}_id" if k == "organisation" else k for k in changed]


def export_rows(orgs: QuerySet[Organisation] | None) -> list[dict[str, Any]]:
    """The people (of `orgs`; None: everyone) in the import's columns, the identity number
    masked as the registry keeps it (imported back unchanged with the 人才编号)."""
    qs = Person.objects.all() if orgs is None else Person.objects.filter(organisation__in=orgs)
    return [{"person_id": p.pk, "name": p.name, "id_number": p.id_number_masked or None,
             "organisation": p.organisation.credit_code if p.organisation else None,
             "works_in_changsha": p.works_in_changsha, "based_in_changsha": p.based_in_changsha,
             "cybersecurity_field": p.cybersecurity_field}
            for p in qs.select_related("organisation").order_by("pk")]


def template() -> TemplateSpec:
    example = {"name": "张三", "id_number": common.resident_id("43010419900101123"),
               "organisation": common_example_org(), "works_in_changsha": True,
               "based_in_changsha": True, "cybersecurity_field": True}
    choices = {c.name: (BOOLEANS, True) for c in COLUMNS if c.kind == "bool"}
    required = {c.name: "必填" if c.required else "选填" for c in COLUMNS}
    required["person_id"] = "新增留空；填写则更新该编号的人才"
    return TemplateSpec(title="人才", columns=COLUMNS, example=example, meanings=MEANINGS,
                        choices=choices, required=required)


def common_example_org() -> str:
    from policyhub.registry.imports_orgs import common_example_code

    return common_example_code()


MEANINGS = {
    "person_id": "人才在登记库中的编号：留空为新增；填写则更新该人才",
    "name": f"姓名，最多 {NAME_MAX} 个字符",
    "id_number": "居民身份证号码（18位，按 GB 11643-1999 校验）或其他证件号码；"
                 "登记库只保存脱敏后的号码（前4位和后4位）",
    "organisation": "所在单位的统一社会信用代码（须已在登记库中）；无则留空",
    "works_in_changsha": "是否在长沙工作（新增时留空为“是”）",
    "based_in_changsha": "是否常驻长沙（新增时留空为“是”）",
    "cybersecurity_field": "是否从事网络安全领域工作（新增时留空为“是”）",
}
