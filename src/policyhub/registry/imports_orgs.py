"""Import of organisations (主体): the bureau's own list of enterprises, institutes, platform
operators and parks, keyed by the unified social credit code (GB 32100-2015, checked with the
engine's own check character, engine.creditcode).

A code already on the registry is an update of that organisation: the file is the bureau's
corrected list, so the cells given replace the registry's and a blank optional cell keeps
what the registry has; a code not on the registry is a new organisation. A code given twice
in one file is refused. Each created or changed organisation is audited with what it
replaced (registry.organisation.create / .update), in one transaction with the import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from policyhub.engine import creditcode
from policyhub.registry import imports_common as common
from policyhub.registry.io import Column, ImportRow
from policyhub.registry.models import Organisation
from policyhub.registry.reader import RowError
from policyhub.registry.services import ORGANISATION_FIELDS, Actor, snapshot
from policyhub.registry.template_file import BOOLEANS, TemplateSpec
from policyhub.registry.writing import BATCH, Written

NAME_MAX = 200  # Organisation.name
CODE_LENGTH = 18
CODE = "统一社会信用代码"
COLUMNS = (
    Column("credit_code", CODE, "text", True),
    Column("name", "名称", "text", True),
    Column("kind", "主体类别", "text", True),
    Column("district", "所在区县（市）", "text"),
    Column("park", "所在园区", "text"),
    Column("registered_in_changsha", "在长沙市注册", "bool"),
    Column("taxed_in_changsha", "在长沙市纳税", "bool"),
    Column("cybersecurity_business", "从事网络安全业务", "bool"),
    Column("high_tech", "高新技术企业", "bool"),
    Column("above_designated_size", "规模以上企业", "bool"),
)
KIND_VALUES: dict[str, str] = {str(label): value for value, label in Organisation.Kind.choices}
KIND_VALUES |= {value: value for value in Organisation.Kind.values}
OPTIONAL = tuple(c.name for c in COLUMNS if not c.required)


def code_problem(code: str) -> str:
    """Why `code` is not a unified social credit code, in Chinese, or ""."""
    if creditcode.problem(code) is None:
        return ""
    if len(code) != CODE_LENGTH:
        return f"应为18位（GB 32100-2015），此处为 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in creditcode.ALPHABET})
    if bad:
        return "含有 GB 32100-2015 代码字符集以外的字符：" + "".join(bad)
    expected = creditcode.check_character(code[:17])
    return f"校验码错误：按 GB 32100-2015 第18位应为 {expected}，此处为 {code[17]}"


def validate(rows: Sequence[ImportRow]) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Each row's organisation fields (closed choices as their stored values, the park as its
    unit), or every problem. Does not write; reads the registry only to name updates."""
    errors: list[RowError] = []
    parks = common.parks()
    for row in rows:
        v = row.values
        if "credit_code" in v:
            v["credit_code"] = code = str(v["credit_code"]).upper()
            why = code_problem(code)
            if why:
                errors.append(RowError(row.number, CODE, f"统一社会信用代码无效：{why}"))
                del v["credit_code"]
        common.too_long(row, "name", "名称", NAME_MAX, errors)
        common.choice(row, "kind", "主体类别", KIND_VALUES, errors)
        common.district(row, "所在区县（市）", errors)
        common.park(row, "所在园区", parks, errors)
    common.once_per_file(rows, lambda r: r.values.get("credit_code"), CODE, "统一社会信用代码",
                         errors)
    return [dict(r.values) for r in rows], errors


def write(actor: Actor, parsed: Sequence[dict[str, Any]], summary: dict[str, Any]) -> Written:
    """Create or update one organisation per (validated) row, audited, in one transaction."""
    def apply(items: common.AuditItems) -> Written:
        existing = {o.credit_code: o for o in Organisation.objects.select_for_update().filter(
            credit_code__in=[v["credit_code"] for v in parsed])}
        new: list[Organisation] = []
        for v in parsed:
            org = existing.get(v["credit_code"])
            fields = {k: v[k] for k in ORGANISATION_FIELDS if k in v}
            if org is None:
                new.append(Organisation(**fields))
                continue
            changed = {k: val for k, val in fields.items() if getattr(org, k) != val}
            if not changed:
                continue
            before = snapshot(org, changed)
            for k, val in changed.items():
                setattr(org, k, val)
            org.save(update_fields=list(changed))
            items.append(("registry.organisation.update", org,
                          {"before": before, "after": snapshot(org, changed)}))
        Organisation.objects.bulk_create(new, batch_size=BATCH)
        items += [("registry.organisation.create", org, snapshot(org, ORGANISATION_FIELDS))
                  for org in new]
        updated = sum(1 for action, _, _ in items if action.endswith(".update"))
        return Written(created=len(new), updated=updated,
                       unchanged=len(parsed) - len(new) - updated)
    return common.write_in_one_transaction(actor, apply, summary)


def export_rows(orgs: QuerySet[Organisation] | None) -> list[dict[str, Any]]:
    """The organisations in the import's columns (kind as its label, park as its name)."""
    qs = (Organisation.objects.all() if orgs is None else orgs).select_related("park")
    labels = dict(Organisation.Kind.choices)
    return [{**{name: getattr(o, name) for name in OPTIONAL if name != "park"},
             "credit_code": o.credit_code, "name": o.name, "kind": str(labels[o.kind]),
             "district": o.district or None, "park": o.park.name if o.park else None}
            for o in qs.order_by("credit_code")]


def template() -> TemplateSpec:
    example = {"credit_code": common_example_code(), "name": "长沙示例网络安全有限公司",
               "kind": "企业", "district": "岳麓区", "park": "长沙高新区管委会",
               "registered_in_changsha": True, "taxed_in_changsha": True,
               "cybersecurity_business": True, "high_tech": False,
               "above_designated_size": False}
    choices: dict[str, tuple[tuple[Any, ...], bool]] = {
        "kind": (tuple(str(label) for label in Organisation.Kind.labels), True),
        "district": (common.DISTRICT_NAMES, True),
        "park": (common.park_names(), True),
    }
    choices |= {c.name: (BOOLEANS, True) for c in COLUMNS if c.kind == "bool"}
    required = {c.name: "必填" if c.required else "选填（更新时留空则保持登记库中的值）"
                for c in COLUMNS}
    return TemplateSpec(title="主体", columns=COLUMNS, example=example, meanings=MEANINGS,
                        choices=choices, required=required)


def common_example_code() -> str:
    return "91430100MA4L00000" + creditcode.check_character("91430100MA4L00000")


MEANINGS = {
    "credit_code": "18位统一社会信用代码（GB 32100-2015，含校验码）；"
                   "登记库中已有的代码为更新该主体",
    "name": f"主体名称，最多 {NAME_MAX} 个字符",
    "kind": "主体类别",
    "district": "所在区县（市）",
    "park": "所在园区（园区管委会名称）；不在园区则留空",
    "registered_in_changsha": "是否在长沙市注册（新增时留空为“是”）",
    "taxed_in_changsha": "是否在长沙市纳税（新增时留空为“是”）",
    "cybersecurity_business": "是否从事网络安全业务（新增时留空为“是”）",
    "high_tech": "是否为高新技术企业（新增时留空为“否”）",
    "above_designated_size": "是否为规模以上企业（新增时留空为“否”）",
}
