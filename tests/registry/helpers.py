"""Registry test helpers (tests.personas stays as it is; these build on it)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from policyhub.registry.models import Organisation, Person, RegistryEvent, Team, YearlyFigure
from tests.personas import organisation

# One valid payload per registry event type, as the engine wants it (date is a column).
SAMPLE_PAYLOADS: dict[str, dict[str, Any]] = {
    "leading_firm_investment": {"paid_in_capital": "200000000",
                                "completed_investment": "120000000", "schedule_met": True},
    "talent_recognition": {"level": "national_leader", "housing_price_per_m2": "12000"},
    "urgent_talent": {"category": "B"},
    "civil_military_researcher": {"category": "A"},
    "civil_military_team_project": {},
    "standard_led": {"level": "national"},
    "project_investment": {"total_investment": "60000000", "actual_investment": "30000000",
                           "kind": "new_build"},
    "ipo_stage": {"stage": "tutoring_filed"},
    "platform_construction": {"construction_cost": "8000000", "major_public_platform": True},
    "platform_service_fees": {"major_public_platform": True,
                              "fees": [{"date": "2020-03-01", "amount": "120000"}]},
    "pk_demo_project": {"rd_investment": "4000000", "selected": True},
    "competition_prize": {"rank": 1, "settles_in_changsha": True},
    "discretionary": {"rule": "P7.major_project"},
}
DAY = dt.date(2020, 5, 10)


def other_organisation(name: str = "长沙湘安信息技术有限公司", park: str = "ceda") -> Organisation:
    return organisation(name, park=park, district="长沙县")


def figure(org: Organisation, year: int, revenue: str) -> YearlyFigure:
    return YearlyFigure.objects.create(organisation=org, year=year,
                                       main_business_revenue=Decimal(revenue))


def event(org: Organisation | None = None, *, person: Person | None = None,
          team: Team | None = None, event_type: str = "standard_led",
          day: dt.date = DAY, matter: str = "", **payload: Any) -> RegistryEvent:
    return RegistryEvent.objects.create(
        organisation=org, person=person, team=team, type=event_type, date=day, matter=matter,
        payload=payload or dict(SAMPLE_PAYLOADS[event_type]))


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """A one-sheet workbook of `rows`, as an upload carries it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    path.write_bytes(xlsx_bytes(rows))
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_gbk_csv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """A CSV as Excel on a Chinese Windows saves it (GBK, no BOM)."""
    with path.open("w", newline="", encoding="gbk") as fh:
        csv.writer(fh).writerows(rows)
    return path
