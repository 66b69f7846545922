"""Registry imports beside other writers (issue 20 item 3, issue 16 item 3): the same figures
imported twice at once both succeed (the second replaces the first's rows, as one after the
other would), and an import holds the audit lock only for its short write, never while it
reads and validates. Threads need connections of their own: PostgreSQL only (the SQLite test
database lives in memory, shared by one process)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from policyhub.audit.services import record, verify
from policyhub.registry.io import ImportResult, import_file
from policyhub.registry.models import Organisation, YearlyFigure
from tests.personas import organisation
from tests.registry.helpers import write_csv
from tests.threads import POSTGRES_ONLY, together

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    POSTGRES_ONLY,
]
HEADER = ["统一社会信用代码", "年度", "主营业务收入"]


def _orgs(n: int) -> list[Organisation]:
    return [organisation(f"长沙并发测试{i}有限公司", park="hitech") for i in range(n)]


def _figures_file(path: Path, orgs: Sequence[Organisation], revenue: int) -> Path:
    return write_csv(path, [HEADER, *([o.credit_code, 2022, revenue] for o in orgs)])


def test_the_same_new_figures_imported_twice_at_once_both_succeed(tmp_path: Path) -> None:
    orgs = _orgs(40)
    for round_ in range(4):
        YearlyFigure.objects.all().delete()
        a = _figures_file(tmp_path / f"a{round_}.csv", orgs, 1000)
        b = _figures_file(tmp_path / f"b{round_}.csv", orgs, 2000)
        results = together([lambda f=f: import_file(f, "figures") for f in (a, b)])
        assert all(isinstance(r, ImportResult) for r in results), results
        assert sorted((r.created, r.updated) for r in results) == [(0, 40), (40, 0)]
        revenues = set(YearlyFigure.objects.values_list("main_business_revenue", flat=True))
        assert len(revenues) == 1 and revenues <= {Decimal(1000), Decimal(2000)}
        assert YearlyFigure.objects.count() == 40
    assert verify().ok


def test_an_import_holds_the_audit_lock_only_while_it_writes(tmp_path: Path) -> None:
    orgs = _orgs(20)
    path = _figures_file(tmp_path / "f.csv", orgs, 1000)
    importing = threading.Event()
    importing.set()

    def slow(rows: Sequence[Any], desc: str) -> Iterable[Any]:
        for row in rows:  # a long file: 3 s of work in each phase the progress bar shows
            time.sleep(3 / len(rows))
            yield row

    def imports() -> ImportResult:
        try:
            return import_file(path, "figures", track=slow)
        finally:
            importing.clear()

    waited: list[float] = []

    def audited_actions() -> None:
        while importing.is_set():  # what any audited change or refusal does, all along
            started = time.monotonic()
            record(None, "test.during_import")
            waited.append(time.monotonic() - started)
            time.sleep(0.1)

    results = together([imports, audited_actions])
    assert isinstance(results[0], ImportResult) and results[0].created == 20
    assert len(waited) >= 10 and max(waited) < 1.0, waited
    assert verify().ok


def test_the_same_new_year_recorded_twice_at_once_is_one_figure() -> None:
    from django.core.exceptions import ValidationError

    from policyhub.registry.services import record_figure

    org = _orgs(1)[0]
    for round_ in range(10):
        year = 2030 + round_
        results = together([lambda n=n: record_figure(None, org, year,  # noqa: B023
                                                      main_business_revenue=Decimal(n))
                            for n in (1000, 2000)])
        # each call replaced the other's row or was refused as a duplicate; never a crash
        assert all(isinstance(r, YearlyFigure | ValidationError) for r in results), results
        assert YearlyFigure.objects.filter(organisation=org, year=year).count() == 1
    assert verify().ok


def test_the_same_events_imported_twice_at_once_are_recorded_once(tmp_path: Path) -> None:
    from policyhub.registry.models import RegistryEvent

    orgs = _orgs(30)
    rows = [["统一社会信用代码", "事件类型", "日期", "事项编号", "级别"],
            *([o.credit_code, "standard_led", "2020-05-10", f"std-{i}", "national"]
              for i, o in enumerate(orgs))]
    paths = [write_csv(tmp_path / f"e{n}.csv", rows) for n in range(2)]
    results = together([lambda f=f: import_file(f, "events") for f in paths])
    assert all(isinstance(r, ImportResult) for r in results), results
    assert sorted((r.created, r.unchanged) for r in results) == [(0, 30), (30, 0)]
    assert RegistryEvent.objects.count() == 30
    assert verify().ok
