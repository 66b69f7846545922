"""Import of teams (团队) of 二(五)/(十): name, leader, members and scope flags.

The leader is a person already on the registry, named by registry number (负责人编号) or by
name (负责人姓名), with the identity number (负责人证件号码) when two people share the name: it is
compared masked, as the registry keeps it, and never stored, echoed or kept in the rejected
rows (registry.imports_people explains why). Members are registry numbers separated by
semicolons; people are imported first (their import gives them numbers).

A row with a 团队编号 updates that team (members given replace the team's members); a row
without one adds a team, refused when the registry already has a team of that name with the
same leader (the message gives its number). A team named twice in one file is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from policyhub.registry import imports_common as common
from policyhub.registry.io import Column, ImportRow
from policyhub.registry.models import Organisation, Person, Team
from policyhub.registry.reader import RowError
from policyhub.registry.services import Actor, snapshot
from policyhub.registry.template_file import BOOLEANS, TemplateSpec
from policyhub.registry.writing import BATCH, Written

NAME_MAX = 200  # Team.name
LEADER = "负责人"
LEADER_ID = "负责人证件号码"
MEMBERS = "成员编号"
COLUMNS = (
    Column("team_id", "团队编号", "int"),
    Column("name", "团队名称", "text", True),
    Column("leader_id", "负责人编号", "int"),
    Column("leader_name", "负责人姓名", "text"),
    Column("leader_id_number", LEADER_ID, "text"),
    Column("members", MEMBERS, "text"),
    Column("based_in_changsha", "常驻长沙", "bool"),
    Column("settles_in_changsha", "来长落户", "bool"),
    Column("cybersecurity_field", "从事网络安全领域工作", "bool"),
)
PRIVATE = frozenset({LEADER_ID})
FIELDS = ("name", "leader", "based_in_changsha", "settles_in_changsha", "cybersecurity_field")


def _leader(row: ImportRow, by_id: dict[int, Person], by_name: dict[str, list[Person]],
            errors: list[RowError]) -> None:
    v = row.values
    raw_id = v.pop("leader_id_number", None)
    masked = ""
    if raw_id is not None:
        raw = str(raw_id).strip().upper().replace(" ", "")
        why = common.id_number_problem(raw)
        if why:
            errors.append(RowError(row.number, LEADER_ID, why, common.masked(raw)))
            return
        masked = common.masked(raw)
    name = v.pop("leader_name", None)
    if "leader_id" in v:
        person = by_id.get(v.pop("leader_id"))
        if person is None:
            errors.append(RowError(row.number, "负责人编号", "登记库中没有该编号的人才"))
        elif name is not None and person.name != name:
            errors.append(RowError(row.number, "负责人姓名",
                                   f"与负责人编号不符：该编号的人才名为“{person.name}”"))
        else:
            v["leader"] = person
        return
    if name is None:
        if masked:
            errors.append(RowError(row.number, "负责人姓名",
                                   "填写了负责人证件号码，须同时填写负责人姓名"))
        return
    found = [p for p in by_name.get(name, []) if not masked or p.id_number_masked == masked]
    if len(found) == 1:
        v["leader"] = found[0]
    elif not found:
        errors.append(RowError(row.number, "负责人姓名", f"登记库中没有名为“{name}”的人才"
                               + ("（证件号码相符者）" if masked else "") + "：请先导入人才"))
    else:
        numbers = "、".join(str(p.pk) for p in found)
        errors.append(RowError(row.number, "负责人姓名",
                               f"登记库中有 {len(found)} 位名为“{name}”的人才（编号 {numbers}）："
                               "请填写负责人编号或负责人证件号码"))


def validate(rows: Sequence[ImportRow]) -> tuple[list[dict[str, Any]], list[RowError]]:
    errors: list[RowError] = []
    for row in rows:
        common.id_list(row, "members", MEMBERS, errors)
    wanted_ids = {r.values["leader_id"] for r in rows if "leader_id" in r.values}
    wanted_ids |= {m for r in rows for m in r.values.get("members", [])}
    by_id = Person.objects.in_bulk(wanted_ids)
    by_name: dict[str, list[Person]] = {}
    for p in Person.objects.filter(name__in={r.values["leader_name"] for r in rows
                                             if "leader_name" in r.values}):
        by_name.setdefault(p.name, []).append(p)
    teams = Team.objects.in_bulk([r.values["team_id"] for r in rows if "team_id" in r.values])
    for row in rows:
        v = row.values
        common.too_long(row, "name", "团队名称", NAME_MAX, errors)
        _leader(row, by_id, by_name, errors)
        missing = [m for m in v.get("members", []) if m not in by_id]
        if missing:
            errors.append(RowError(row.number, MEMBERS, "登记库中没有编号为 "
                                   + "、".join(map(str, missing)) + " 的人才"))
        if "team_id" in v:
            v["team"] = teams.get(v["team_id"])
            if v["team"] is None:
                errors.append(RowError(row.number, "团队编号",
                                       f"登记库中没有编号为 {v['team_id']} 的团队"))
    common.once_per_file(rows, lambda r: r.values.get("team_id"), "团队编号", "团队", errors)
    common.once_per_file(rows, lambda r: r.values.get("name"), "团队名称", "团队名称", errors)
    _already_registered(rows, errors)
    return [{k: val for k, val in r.values.items() if k != "team_id"} for r in rows], errors


def _already_registered(rows: Sequence[ImportRow], errors: list[RowError]) -> None:
    new = [r for r in rows if "team_id" not in r.values and "name" in r.values]
    found = Team.objects.filter(name__in={r.values["name"] for r in new})
    by_key = {(t.name, t.leader_id): t for t in found}
    for row in new:
        leader = row.values.get("leader")
        team = by_key.get((row.values["name"], leader.pk if leader is not None else None))
        if team is not None:
            errors.append(RowError(row.number, "团队名称",
                                   f"登记库中已有同名且负责人相同的团队（团队编号 {team.pk}）："
                                   f"如需更新其信息，请在“团队编号”列填写 {team.pk}"))


def write(actor: Actor, parsed: Sequence[dict[str, Any]], summary: dict[str, Any]) -> Written:
    """Create or update one team per (validated) row with its members, audited."""
    def apply(items: common.AuditItems) -> Written:
        current = Team.objects.select_for_update().in_bulk(
            [v["team"].pk for v in parsed if v.get("team") is not None])
        new: list[tuple[Team, list[int]]] = []
        updated = 0
        for v in parsed:
            fields = {k: v[k] for k in FIELDS if k in v}
            team = current.get(v["team"].pk) if v.get("team") is not None else None
            if team is None:
                new.append((Team(**fields), v.get("members", [])))
                continue
            if _update(team, fields, v.get("members"), items):
                updated += 1
        Team.objects.bulk_create([t for t, _ in new], batch_size=BATCH)
        Team.members.through.objects.bulk_create(
            [Team.members.through(team_id=t.pk, person_id=m) for t, ms in new for m in ms],
            batch_size=BATCH)
        items += [("registry.team.create", t, {"name": t.name, "leader": t.leader_id,
                                               "members": ms}) for t, ms in new]
        return Written(created=len(new), updated=updated,
                       unchanged=len(parsed) - len(new) - updated)
    return common.write_in_one_transaction(actor, apply, summary)


def _update(team: Team, fields: dict[str, Any], members: list[int] | None,
            items: common.AuditItems) -> bool:
    changed = {k: val for k, val in fields.items() if _differs(team, k, val)}
    before_members = sorted(team.members.values_list("pk", flat=True))
    members_changed = members is not None and sorted(set(members)) != before_members
    if not changed and not members_changed:
        return False
    audited = [f"{k}_id" if k == "leader" else k for k in changed]
    before = snapshot(team, audited)
    for k, val in changed.items():
        setattr(team, k, val)
    if changed:
        team.save(update_fields=list(changed))
    payload: dict[str, Any] = {"before": before, "after": snapshot(team, audited)}
    if members_changed:
        assert members is not None
        team.members.set(members)
        payload["before"]["members"] = before_members
        payload["after"]["members"] = sorted(set(members))
    items.append(("registry.team.update", team, payload))
    return True


def _differs(team: Team, name: str, value: Any) -> bool:
    if name == "leader":
        return team.leader_id != (value.pk if value is not None else None)
    return bool(getattr(team, name) != value)


def export_rows(orgs: QuerySet[Organisation] | None) -> list[dict[str, Any]]:
    """The teams (led by people of `orgs`; None: every team) in the import's columns."""
    qs = Team.objects.all() if orgs is None else Team.objects.filter(
        leader__organisation__in=orgs)
    qs = qs.select_related("leader").prefetch_related("members").order_by("pk")
    return [{"team_id": t.pk, "name": t.name, "leader_id": t.leader_id,
             "leader_name": t.leader.name if t.leader else None,
             "members": ";".join(str(m.pk) for m in sorted(t.members.all(), key=_pk)) or None,
             "based_in_changsha": t.based_in_changsha,
             "settles_in_changsha": t.settles_in_changsha,
             "cybersecurity_field": t.cybersecurity_field} for t in qs]


def _pk(person: Person) -> int:
    return person.pk


def template() -> TemplateSpec:
    example = {"name": "长沙示例网络安全攻防团队", "leader_name": "张三",
               "members": "12;15", "based_in_changsha": True, "settles_in_changsha": False,
               "cybersecurity_field": True}
    choices = {c.name: (BOOLEANS, True) for c in COLUMNS if c.kind == "bool"}
    required = {c.name: "必填" if c.required else "选填" for c in COLUMNS}
    required["team_id"] = "新增留空；填写则更新该编号的团队"
    required["leader_id"] = required["leader_name"] = "负责人编号或负责人姓名填其一"
    return TemplateSpec(title="团队", columns=COLUMNS, example=example, meanings=MEANINGS,
                        choices=choices, required=required)


MEANINGS = {
    "team_id": "团队在登记库中的编号：留空为新增；填写则更新该团队",
    "name": f"团队名称，最多 {NAME_MAX} 个字符；同一文件中不能重复",
    "leader_id": "负责人的人才编号（须已在登记库中）",
    "leader_name": "负责人姓名；登记库中有同名人才时，另填负责人编号或证件号码",
    "leader_id_number": "负责人证件号码，仅用于区分同名人才（按脱敏号码比对，不保存）",
    "members": "成员的人才编号，多个以分号分隔，如 12;15;20；更新时填写则替换原有成员",
    "based_in_changsha": "是否常驻长沙（新增时留空为“是”）",
    "settles_in_changsha": "是否来长落户（新增时留空为“否”）",
    "cybersecurity_field": "是否从事网络安全领域工作（新增时留空为“是”）",
}
