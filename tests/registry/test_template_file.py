"""The downloadable import templates: their headers are the importer's, their example row
imports once filled in, their drop-down lists are the values the import accepts."""

from __future__ import annotations

import io as bytes_io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from policyhub.registry import io
from policyhub.registry.models import REGISTRY_EVENT_TYPES, RegistryEvent, YearlyFigure
from policyhub.registry.template_file import EXAMPLE_CODE, template_bytes
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def p() -> Personas:
    return personas()


def _filled(tmp_path: Path, kind: io.Kind, code: str) -> Path:
    """The template with its example row's credit code replaced by a registered one."""
    book = load_workbook(bytes_io.BytesIO(template_bytes(kind)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("统一社会信用代码") + 1
    assert sheet.cell(row=2, column=column).value == EXAMPLE_CODE
    sheet.cell(row=2, column=column).value = code
    path = tmp_path / f"{kind}.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("kind", io.KINDS)
def test_every_template_header_is_a_column_the_importer_reads(kind: io.Kind) -> None:
    sheet = load_workbook(bytes_io.BytesIO(template_bytes(kind))).worksheets[0]
    header = [c.value for c in sheet[1]]
    mapping = io._map_header(header, io.COLUMNS[kind])  # raises on an unknown column
    assert len(mapping) == len(header) == len(io.COLUMNS[kind])


def test_the_figures_template_example_row_imports(p: Personas, tmp_path: Path) -> None:
    result = io.import_file(_filled(tmp_path, "figures", p.org.credit_code), "figures",
                            actor=p.bureau_officer)
    assert (result.rows, result.created) == (1, 1)
    figure = YearlyFigure.objects.get(organisation=p.org, year=2020)
    assert str(figure.main_business_revenue) == "12000000.00"


def test_the_events_template_example_row_imports(p: Personas, tmp_path: Path) -> None:
    before = RegistryEvent.objects.count()
    result = io.import_file(_filled(tmp_path, "events", p.org.credit_code), "events",
                            actor=p.bureau_officer)
    assert (result.rows, result.created) == (1, 1)
    assert RegistryEvent.objects.count() == before + 1
    assert RegistryEvent.objects.filter(organisation=p.org, type="standard_led",
                                        matter="STD-2020-001").exists()


def test_the_drop_down_lists_and_notes_come_from_the_importer() -> None:
    book = load_workbook(bytes_io.BytesIO(template_bytes("events")))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    lists = {}
    for rule in sheet.data_validations.dataValidation:
        letter = str(rule.sqref).split(":")[0].rstrip("0123456789")
        column = header[column_index_from_string(letter) - 1]
        lists[column] = (rule.formula1.strip('"').split(","), rule.errorStyle)
    assert lists["事件类型"] == (list(REGISTRY_EVENT_TYPES), "stop")
    for rule in sheet.data_validations.dataValidation:  # Excel's own limits
        assert len(rule.formula1) <= 255 and len(rule.error) <= 255
    assert lists["阶段"][0] == ["tutoring_filed", "application_accepted", "listed"]
    assert lists["名次"][0] == ["1", "2", "3"]
    assert lists["按期完成"][0] == ["是", "否"]
    assert lists["级别"][1] == "warning"  # standard_led reads any level
    notes = book["填写说明"]
    described = {row[0].value: row for row in notes.iter_rows(min_row=2) if row[0].value}
    for column in io.EVENT_COLUMNS:
        assert column.zh in described and described[column.zh][1].value
    assert "元" in described["实缴资本"][2].value
    assert described["事件类型"][3].value == "必填"
