"""The figures import writes from the rows' values (no model instances, issue 15's speed):
what lands in the table and in the audit trail is what the row says, checked value by value,
and a row is refused for exactly the reasons the model's own full_clean would give."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from policyhub.audit.models import AuditEntry
from policyhub.audit.services import verify
from policyhub.registry import io
from policyhub.registry.models import YearlyFigure
from policyhub.units.models import Unit
from tests.personas import Personas, personas
from tests.registry.helpers import write_csv

pytestmark = pytest.mark.django_db
AMOUNTS = {"main_business_revenue", "tax_paid", "rd_spend"}
ZH = ["统一社会信用代码", "年度", "主营业务收入", "纳税额", "研发投入", "从业人数", "来源单位"]


@pytest.fixture
def p() -> Personas:
    return personas()


def test_new_and_replaced_figures_hold_the_rows_values_and_are_audited(
        p: Personas, tmp_path: Path) -> None:
    code, org = p.org.credit_code, p.org
    miit = Unit.objects.get(code="miit")
    old = YearlyFigure.objects.create(organisation=org, year=2020,
                                      main_business_revenue=Decimal("5.00"), headcount=3)
    path = write_csv(tmp_path / "f.csv", [
        ZH, [code, 2019, "1200.50", "30.25", "", "12", "市工业和信息化局"],
        [code, 2020, "900", "", "7.10", "", ""]])
    result = io.import_file(path, "figures", actor=p.bureau_officer)
    assert (result.created, result.updated) == (1, 1)
    new = YearlyFigure.objects.get(organisation=org, year=2019)
    assert (new.main_business_revenue, new.tax_paid, new.rd_spend, new.headcount,
            new.source_id, new.recorded_by_id) == (
        Decimal("1200.50"), Decimal("30.25"), None, 12, miit.pk, p.bureau_officer.pk)
    replaced = YearlyFigure.objects.get(pk=old.pk)
    assert (replaced.main_business_revenue, replaced.tax_paid, replaced.rd_spend,
            replaced.headcount, replaced.source_id) == (Decimal("900"), None,
                                                        Decimal("7.10"), None, None)
    assert new.updated_at is not None and replaced.updated_at > old.updated_at
    entries = {e.object_id: e for e in AuditEntry.objects.filter(
        action="registry.figure.record")}
    assert set(entries) == {str(new.pk), str(old.pk)}
    assert {e.object_type for e in entries.values()} == {"registry.yearlyfigure"}
    assert {e.actor_label for e in entries.values()} == {"bureau_officer"}
    assert entries[str(new.pk)].payload == {
        "organisation": org.pk, "year": 2019, "before": None,
        "after": {"main_business_revenue": "1200.50", "tax_paid": "30.25", "rd_spend": None,
                  "headcount": 12, "source": miit.pk}}
    assert entries[str(old.pk)].payload == {
        "organisation": org.pk, "year": 2020,
        "before": {"main_business_revenue": "5.00", "tax_paid": None, "rd_spend": None,
                   "headcount": 3, "source": None},
        "after": {"main_business_revenue": "900", "tax_paid": None, "rd_spend": "7.10",
                  "headcount": None, "source": None}}
    assert verify().ok


def _full_clean_reasons(values: dict[str, Any]) -> set[tuple[str, str]]:
    figure = YearlyFigure(organisation=personas().org, **values)
    try:
        figure.full_clean(exclude=["organisation", "source", "recorded_by", "updated_at"],
                          validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {(str(YearlyFigure._meta.get_field(name).verbose_name), reason)
                for name, reasons in exc.message_dict.items() for reason in reasons}
    return set()


@pytest.mark.parametrize(("values", "refused"), [
    ({"year": 2020, "main_business_revenue": Decimal("100.5")}, False),
    ({"year": 2020, "main_business_revenue": Decimal("123456789012345678901"),
      "tax_paid": Decimal("0.001")}, True),  # too many digits; below the fen
    ({"year": 2020, "main_business_revenue": Decimal(1), "rd_spend": Decimal(-1)}, True),
    # beyond the column's integer range: refused where the database has one (PostgreSQL)
    ({"year": 2020, "main_business_revenue": Decimal(1), "headcount": 3_000_000_000}, None),
    ({"year": 99_999, "main_business_revenue": Decimal(1), "headcount": 4}, None),
], ids=["good", "digits", "negative", "headcount", "year"])
def test_a_figures_row_is_refused_for_the_reasons_full_clean_gives(
        values: dict[str, Any], refused: bool | None) -> None:
    errors: list[io.RowError] = []
    io._figure_check(io.ImportRow(7, dict(values)), errors)
    assert {e.row for e in errors} <= {7}
    assert {(e.column, e.reason) for e in errors} == _full_clean_reasons(values)
    if refused is not None:
        assert bool(errors) is refused


def test_the_same_file_imported_again_replaces_each_figure_with_the_same_values(
        p: Personas, tmp_path: Path) -> None:
    code = p.org.credit_code
    path = write_csv(tmp_path / "f.csv", [ZH, *([code, year, f"{year}.25", "", "1", "", ""]
                                                for year in range(2015, 2021))])
    first = io.import_file(path, "figures", actor=p.bureau_officer)
    before = {f.pk: (f.main_business_revenue, f.rd_spend, f.updated_at)
              for f in YearlyFigure.objects.all()}
    again = io.import_file(path, "figures", actor=p.applicant)
    assert (first.created, first.updated, again.created, again.updated) == (6, 0, 0, 6)
    after = YearlyFigure.objects.all()
    assert {f.pk: (f.main_business_revenue, f.rd_spend) for f in after} == {
        pk: values[:2] for pk, values in before.items()}
    assert all(f.updated_at > before[f.pk][2] and f.recorded_by_id == p.applicant.pk
               for f in after)
    second = AuditEntry.objects.filter(action="registry.figure.record", actor=p.applicant)
    assert second.count() == 6
    for e in second:  # the same amounts (the stored one has its two places: "1.00", "1")
        was, now = e.payload["before"], e.payload["after"]
        assert {k: Decimal(v) if k in AMOUNTS and v is not None else v for k, v in was.items()
                } == {k: Decimal(v) if k in AMOUNTS and v is not None else v
                      for k, v in now.items()}
    assert verify().ok
