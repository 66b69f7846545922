"""Import of teams (registry.imports_teams): leader by number or by name (with a masked
identity number for namesakes), members, updates by team number, duplicates, GBK files,
audit, and who may import."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.audit.models import AuditEntry
from policyhub.registry.imports_common import masked, resident_id
from policyhub.registry.imports_objects import ImportFailed, import_file, template_bytes
from policyhub.registry.models import Person, Team
from tests.personas import Personas, personas
from tests.registry.helpers import write_csv, write_gbk_csv, write_xlsx, xlsx_bytes
from tests.registry.object_imports import MAY_IMPORT, MAY_NOT_IMPORT, persona, post

pytestmark = pytest.mark.django_db
HEADER = ["团队编号", "团队名称", "负责人编号", "负责人姓名", "负责人证件号码", "成员编号",
          "来长落户"]
ONE = resident_id("43010419850312001")
TWO = resident_id("43010219920601002")


@pytest.fixture
def p() -> Personas:
    return personas()


@pytest.fixture
def folk(p: Personas) -> dict[str, Person]:
    return {"zhang": Person.objects.create(name="张伟", id_number_masked=masked(ONE)),
            "zhang2": Person.objects.create(name="张伟", id_number_masked=masked(TWO)),
            "li": Person.objects.create(name="李娜"),
            "wang": Person.objects.create(name="王芳", organisation=p.org)}


def _errors(path: Path, actor: Any) -> dict[tuple[int, str], str]:
    with pytest.raises(ImportFailed) as info:
        import_file(path, "teams", actor=actor)
    return {(e.row, e.column): e.reason for e in info.value.errors}


@pytest.mark.parametrize("writer", [write_xlsx, write_csv, write_gbk_csv])
def test_teams_import_with_leaders_and_members(p: Personas, folk: dict[str, Person],
                                               tmp_path: Path, writer: Any) -> None:
    suffix = ".xlsx" if writer is write_xlsx else ".csv"
    li, wang, zhang2 = folk["li"], folk["wang"], folk["zhang2"]
    rows = [HEADER, [None, "星盾攻防团队", wang.pk, None, None, f"{li.pk}；{wang.pk}", "是"],
            [None, "湘江密码团队", None, "李娜", None, None, None],
            [None, "岳麓渗透团队", None, "张伟", TWO, str(li.pk), "否"]]
    result = import_file(writer(tmp_path / f"t{suffix}", rows), "teams", actor=p.bureau_officer)
    assert (result.created, result.updated) == (3, 0)
    star = Team.objects.get(name="星盾攻防团队")
    assert star.leader == wang and star.settles_in_changsha
    assert set(star.members.all()) == {li, wang}
    assert star.organisation == p.org  # through its leader
    assert Team.objects.get(name="湘江密码团队").leader == li
    assert Team.objects.get(name="岳麓渗透团队").leader == zhang2  # told apart by ID number
    created = AuditEntry.objects.filter(action="registry.team.create")
    assert created.count() == 3
    assert TWO not in json.dumps(list(AuditEntry.objects.values("payload")))


def test_a_team_number_updates_and_the_same_team_without_it_is_refused(
        p: Personas, folk: dict[str, Person], tmp_path: Path) -> None:
    li, wang = folk["li"], folk["wang"]
    row = [None, "星盾攻防团队", wang.pk, None, None, str(li.pk), None]
    import_file(write_xlsx(tmp_path / "a.xlsx", [HEADER, row]), "teams", actor=p.admin)
    team = Team.objects.get()
    errors = _errors(write_xlsx(tmp_path / "b.xlsx", [HEADER, row]), p.admin)
    assert f"团队编号 {team.pk}" in errors[(2, "团队名称")]
    update = [HEADER, [team.pk, "星盾攻防团队", None, "李娜", None, f"{wang.pk};{li.pk}", "是"]]
    result = import_file(write_xlsx(tmp_path / "c.xlsx", update), "teams", actor=p.admin)
    assert (result.created, result.updated) == (0, 1)
    team.refresh_from_db()
    assert team.leader == li and team.settles_in_changsha
    assert set(team.members.all()) == {li, wang}
    audit = AuditEntry.objects.get(action="registry.team.update")
    assert audit.payload["before"]["members"] == [li.pk]
    assert audit.payload["after"]["leader_id"] == li.pk


def test_every_bad_field_is_reported_and_nothing_is_imported(
        p: Personas, folk: dict[str, Person], tmp_path: Path) -> None:
    li = folk["li"]
    rows = [HEADER,
            [None, "甲团队", li.pk, None, None, None, None],            # row 2: good
            [None, "", li.pk, None, None, None, None],                  # row 3: empty name
            [None, "甲团队", li.pk, None, None, None, None],            # row 4: same name
            [None, "长" * 201, li.pk, None, None, None, None],           # row 5: too long
            [None, "乙团队", None, "张伟", None, None, None],            # row 6: namesakes
            [None, "丙团队", None, "无名氏", None, None, None],          # row 7: nobody
            [None, "丁团队", 99999, None, None, "1;x", None],            # row 8: two problems
            [None, "戊团队", li.pk, "王芳", None, None, None],           # row 9: id vs name
            [424242, "己团队", None, None, None, "99998", None],         # row 10: two unknown
            [None, "庚团队", None, "张伟", "0000", None, None]]          # row 11: bad ID
    errors = _errors(write_xlsx(tmp_path / "bad.xlsx", rows), p.bureau_officer)
    assert sorted({r for r, _ in errors}) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "必填" in errors[(3, "团队名称")]
    assert "与第2行重复" in errors[(4, "团队名称")]
    assert errors[(5, "团队名称")] == "过长：最多 200 个字符，此处为 201 个字符"
    assert "有 2 位名为“张伟”的人才" in errors[(6, "负责人姓名")]
    assert "请先导入人才" in errors[(7, "负责人姓名")]
    assert "没有该编号的人才" in errors[(8, "负责人编号")] and (8, "成员编号") in errors
    assert "与负责人编号不符" in errors[(9, "负责人姓名")]
    assert "没有编号为 424242 的团队" in errors[(10, "团队编号")]
    assert "99998" in errors[(10, "成员编号")]
    assert "格式不对" in errors[(11, "负责人证件号码")]
    assert not Team.objects.exists()


def test_the_template_lists_choices_and_notes(p: Personas) -> None:
    book = load_workbook(io.BytesIO(template_bytes("teams")))
    sheet = book["团队"]
    assert [c.value for c in sheet[1]][:2] == ["团队编号", "团队名称"]
    assert {str(dv.sqref)[0] for dv in sheet.data_validations.dataValidation} == {"G", "H", "I"}
    assert book["填写说明"]["A7"].value == "成员编号"


@pytest.mark.parametrize("who", MAY_IMPORT)
def test_registry_staff_may_import_teams(p: Personas, folk: dict[str, Person],
                                         who: str) -> None:
    body = xlsx_bytes([HEADER, [None, "星盾攻防团队", folk["li"].pk, None, None, None, None]])
    assert post(persona(p, who), "teams", "t.xlsx", body).status_code == 200
    assert Team.objects.count() == 1


@pytest.mark.parametrize("who", MAY_NOT_IMPORT)
def test_others_may_not_import_teams(p: Personas, folk: dict[str, Person], who: str) -> None:
    body = xlsx_bytes([HEADER, [None, "星盾攻防团队", folk["li"].pk, None, None, None, None]])
    assert post(persona(p, who), "teams", "t.xlsx", body).status_code == 403
    assert not Team.objects.exists()


def test_the_export_imports_back_unchanged(p: Personas, folk: dict[str, Person],
                                           tmp_path: Path) -> None:
    li, wang = folk["li"], folk["wang"]
    rows = [HEADER, [None, "星盾攻防团队", wang.pk, None, None, f"{li.pk};{wang.pk}", "是"]]
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), "teams", actor=p.admin)
    client = Client()
    client.force_login(p.applicant)  # the leader works for the applicant's organisation
    response = client.get(reverse("registry:export", args=["teams", "xlsx"]))
    path = tmp_path / "teams.xlsx"
    path.write_bytes(response.content)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[2]][1:4] == ["星盾攻防团队", wang.pk, "王芳"]
    result = import_file(path, "teams", actor=p.admin)
    assert (result.rows, result.unchanged) == (1, 1)
