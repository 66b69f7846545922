"""Import of people (registry.imports_people): identity numbers checked and masked (never
kept, echoed or offered back in full), updates by registry number, duplicates, GBK files,
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
from policyhub.registry import rejected
from policyhub.registry.imports_common import resident_id
from policyhub.registry.imports_objects import ImportFailed, import_file, template_bytes
from policyhub.registry.models import Person
from tests.personas import Personas, credit_code, personas
from tests.registry.helpers import write_csv, write_gbk_csv, write_xlsx, xlsx_bytes
from tests.registry.object_imports import MAY_IMPORT, MAY_NOT_IMPORT, persona, post

pytestmark = pytest.mark.django_db
HEADER = ["人才编号", "姓名", "证件号码", "所在单位统一社会信用代码", "在长沙工作"]
ZHANG = resident_id("43010419850312001")  # a valid resident ID (GB 11643 check character)
LI = resident_id("43010219920601002")


@pytest.fixture
def p() -> Personas:
    return personas()


def _errors(path: Path, actor: Any) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        import_file(path, "people", actor=actor)
    return info.value


@pytest.mark.parametrize("writer", [write_xlsx, write_csv, write_gbk_csv])
def test_people_import_with_masked_identity_numbers(p: Personas, tmp_path: Path,
                                                    writer: Any) -> None:
    suffix = ".xlsx" if writer is write_xlsx else ".csv"
    rows = [HEADER, [None, "张伟", ZHANG, p.org.credit_code, "是"],
            [None, "李娜", LI.lower(), None, "否"]]
    result = import_file(writer(tmp_path / f"p{suffix}", rows), "people", actor=p.bureau_officer)
    assert (result.created, result.updated) == (2, 0)
    zhang, li = Person.objects.get(name="张伟"), Person.objects.get(name="李娜")
    assert zhang.id_number_masked == ZHANG[:4] + "*" * 10 + ZHANG[-4:]
    assert zhang.organisation == p.org and li.organisation is None
    assert not li.works_in_changsha and li.based_in_changsha
    trail = json.dumps(list(AuditEntry.objects.values("payload", "reason")), ensure_ascii=False)
    assert ZHANG not in trail and LI not in trail and "张伟" in trail


def test_a_registry_number_updates_and_a_same_person_without_it_is_refused(
        p: Personas, tmp_path: Path) -> None:
    import_file(write_xlsx(tmp_path / "a.xlsx", [HEADER, [None, "张伟", ZHANG, None, None]]),
                "people", actor=p.admin)
    zhang = Person.objects.get()
    again = _errors(write_xlsx(tmp_path / "b.xlsx", [HEADER, [None, "张伟", ZHANG, None, None]]),
                    p.admin)
    assert [(e.row, e.column) for e in again.errors] == [(2, "姓名")]
    assert f"人才编号 {zhang.pk}" in again.errors[0].reason
    update = [HEADER, [zhang.pk, "张伟", None, p.org.credit_code, "否"]]
    result = import_file(write_xlsx(tmp_path / "c.xlsx", update), "people", actor=p.admin)
    assert (result.created, result.updated) == (0, 1)
    zhang.refresh_from_db()
    assert zhang.organisation == p.org and not zhang.works_in_changsha
    assert zhang.id_number_masked  # a blank cell keeps the number on record
    audit = AuditEntry.objects.get(action="registry.person.update")
    assert audit.payload["after"] == {"organisation_id": p.org.pk, "works_in_changsha": False}


def test_every_bad_field_is_reported_with_identity_numbers_masked(
        p: Personas, tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_ERRORS_DIR = tmp_path / "kept"
    wrong_check = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
    rows = [HEADER,
            [None, "张伟", ZHANG, None, None],                 # row 2: good
            [None, "王芳", wrong_check, None, None],           # row 3: check character
            [None, "", LI, None, None],                        # row 4: empty name
            [None, "赵磊", ZHANG, None, None],                 # row 5: same number as row 2
            [None, "长" * 101, None, None, None],              # row 6: over-long name
            [None, "钱七", None, credit_code(), None],          # row 7: employer not registered
            [99999, "孙八", None, None, None],                 # row 8: unknown registry number
            [None, "周九", "12-34", None, None]]               # row 9: not an ID number
    failed = _errors(write_xlsx(tmp_path / "bad.xlsx", rows), p.bureau_officer)
    reasons = {(e.row, e.column): e for e in failed.errors}
    assert sorted({e.row for e in failed.errors}) == [3, 4, 5, 6, 7, 8, 9]
    assert "GB 11643" in reasons[(3, "证件号码")].reason
    assert reasons[(3, "证件号码")].value == wrong_check[:4] + "*" * 10 + wrong_check[-4:]
    assert "必填" in reasons[(4, "姓名")].reason
    assert "与第2行重复" in reasons[(5, "证件号码")].reason
    assert reasons[(6, "姓名")].reason == "过长：最多 100 个字符，此处为 101 个字符"
    assert "请先导入主体" in reasons[(7, "所在单位统一社会信用代码")].reason
    assert "没有编号为 99999 的人才" in reasons[(8, "人才编号")].reason
    assert "格式不对" in reasons[(9, "证件号码")].reason
    assert not Person.objects.exists()
    shown = json.dumps([[e.value, e.reason] for e in failed.errors], ensure_ascii=False)
    kept = rejected.workbook(rejected.load(None, rejected.save(None, "people", "bad.xlsx",
                                                               failed)) or {})
    offered = [c.value for row in load_workbook(io.BytesIO(kept)).active.iter_rows()
               for c in row]
    refusal = AuditEntry.objects.get(action="registry.import", allowed=False)
    for full in (ZHANG, LI, wrong_check):
        assert full not in shown and full not in offered
        assert full not in json.dumps(refusal.payload, ensure_ascii=False)
    assert LI[:4] + "*" * 10 + LI[-4:] in offered  # row 4, masked as the registry keeps it


def test_the_template_example_imports(p: Personas, tmp_path: Path) -> None:
    sheet = load_workbook(io.BytesIO(template_bytes("people")))["人才"]
    example = [[c.value for c in sheet[1]], [c.value for c in sheet[2]]]
    example[1][3] = p.org.credit_code  # the example's employer is not on this registry
    assert import_file(write_xlsx(tmp_path / "ex.xlsx", example), "people",
                       actor=p.bureau_officer).created == 1
    lists = {str(dv.sqref)[0] for dv in sheet.data_validations.dataValidation}
    assert {"E", "F", "G"} <= lists  # the yes/no columns


@pytest.mark.parametrize("who", MAY_IMPORT)
def test_registry_staff_may_import_people(p: Personas, who: str) -> None:
    response = post(persona(p, who), "people", "p.xlsx",
                    xlsx_bytes([HEADER, [None, "张伟", ZHANG, None, None]]))
    assert response.status_code == 200 and Person.objects.count() == 1


@pytest.mark.parametrize("who", MAY_NOT_IMPORT)
def test_others_may_not_import_people(p: Personas, who: str) -> None:
    response = post(persona(p, who), "people", "p.xlsx",
                    xlsx_bytes([HEADER, [None, "张伟", ZHANG, None, None]]))
    assert response.status_code == 403 and not Person.objects.exists()


def test_the_export_shows_only_visible_people_masked_and_imports_back(
        p: Personas, tmp_path: Path) -> None:
    import_file(write_xlsx(tmp_path / "a.xlsx", [HEADER, [None, "张伟", ZHANG,
                                                           p.org.credit_code, None],
                                                  [None, "李娜", LI, None, None]]),
                "people", actor=p.admin)
    client = Client()
    client.force_login(p.applicant)
    own = client.get(reverse("registry:export", args=["people", "csv"])).content
    text = own.decode("utf-8-sig")
    assert "张伟" in text and "李娜" not in text  # another's (no employer): not the applicant's
    assert ZHANG not in text and ZHANG[:4] + "*" * 10 + ZHANG[-4:] in text
    client.force_login(p.bureau_officer)
    everyone = client.get(reverse("registry:export", args=["people", "xlsx"])).content
    path = tmp_path / "people.xlsx"
    path.write_bytes(everyone)
    result = import_file(path, "people", actor=p.admin)
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 0, 0, 2)
    masked_new = [HEADER, [None, "王芳", ZHANG[:4] + "*" * 10 + ZHANG[-4:], None, None]]
    failed = _errors(write_xlsx(tmp_path / "m.xlsx", masked_new), p.admin)
    assert "脱敏的证件号码" in failed.errors[0].reason
