"""plan.rollup: the registry summed for the plan's figures is never read stale, whoever writes
the registry, and gives what the registry itself gives (docs/dashboard.md, "Cost")."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from policyhub.plan import registry_indicators as ri
from policyhub.plan import rollup
from policyhub.plan.models import RollupState
from policyhub.registry.models import Organisation, YearlyFigure
from tests.personas import organisation

pytestmark = pytest.mark.django_db


def _dirty() -> bool:
    return RollupState.objects.get(pk=1).dirty


def _enterprise(name: str) -> Organisation:
    """An in-scope enterprise in the registry since 2019."""
    org = organisation(name)
    Organisation.objects.filter(pk=org.pk).update(
        created_at=timezone.make_aware(dt.datetime(2019, 1, 2, 9)))
    return org


def test_a_bulk_insert_marks_the_rollups_dirty_in_its_transaction() -> None:
    org = _enterprise("长沙批量网络安全有限公司")
    rollup.refresh()
    assert not _dirty()
    YearlyFigure.objects.bulk_create([YearlyFigure(organisation=org, year=2020,
                                                   main_business_revenue=Decimal("5"))])
    assert _dirty()
    day = dt.date(2021, 1, 1)
    assert ri.scales([day])[day] == ri.Scale(Decimal(5), 1, dict.fromkeys(ri.TIERS, 0))
    assert not _dirty()


def test_raw_sql_and_deletes_mark_the_rollups_dirty() -> None:
    org = organisation("长沙原始网络安全有限公司")
    rollup.refresh()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Organisation._meta.db_table} SET district = %s WHERE id = %s",
                       ["天心区", org.pk])
    assert _dirty()
    rollup.refresh()
    YearlyFigure.objects.filter(organisation=org).delete()  # no rows: still a statement
    Organisation.objects.filter(pk=org.pk).delete()
    assert _dirty()


def test_a_save_in_a_transaction_rebuilds_when_it_commits(
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        org = _enterprise("长沙提交网络安全有限公司")
        for year in (2019, 2020):
            YearlyFigure.objects.create(organisation=org, year=year,
                                        main_business_revenue=Decimal("100000000"))
    assert len(callbacks) == 1  # once per transaction, not per save
    assert not _dirty()  # the writer rebuilt them: the next page reads them as they are
    day = dt.date(2021, 1, 1)
    assert ri.scales([day])[day].revenue == Decimal("100000000")


def test_other_tier_limits_rebuild_the_rollups(monkeypatch: pytest.MonkeyPatch) -> None:
    org = _enterprise("长沙分档网络安全有限公司")
    YearlyFigure.objects.create(organisation=org, year=2020,
                                main_business_revenue=Decimal("2000000000"))
    day = dt.date(2021, 6, 30)
    assert ri.revenue_over_5bn(day).value == 0
    monkeypatch.setattr(rollup, "tier_limits", lambda: [Decimal(1), Decimal("2000000000")])
    monkeypatch.setattr(ri, "parameter", lambda name: Decimal(1))
    assert ri.scales([day])[day].over["revenue_over_5bn"] == 1


def test_the_rollups_give_what_the_registry_gives() -> None:
    """Random enterprises (some out of scope, some with gaps in their years, entering the
    registry on different days): for many dates, the scale, the tiers and the counts equal
    those computed on the registry's rows (latest_figures, the source lists' query)."""
    rng = random.Random(15)
    for i in range(40):
        org = organisation(f"长沙随机{i}网络安全有限公司")
        day = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        Organisation.objects.filter(pk=org.pk).update(
            created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randrange(24)))),
            cybersecurity_business=rng.random() < 0.85,
            above_designated_size=rng.random() < 0.5, high_tech=rng.random() < 0.5)
        for year in rng.sample(range(2017, 2024), rng.randrange(0, 6)):
            revenue = Decimal(rng.choice((3_000_000, 1_000_000_000, 6_000_000_000))) + Decimal(
                rng.randrange(100)) / 100
            YearlyFigure.objects.create(organisation=org, year=year,
                                        main_business_revenue=revenue)
    days = [dt.date(2018, 12, 30), dt.date(2019, 12, 31), dt.date(2020, 7, 4),
            dt.date(2021, 12, 31), dt.date(2022, 1, 1), dt.date(2023, 12, 31)]
    found = ri.scales(days)
    for day in days:
        rows = list(ri.latest_figures(day))
        assert found[day].revenue == sum((f.main_business_revenue for f in rows), Decimal(0))
        assert found[day].reporting == len(rows)
        for name in ri.TIERS:
            limit = ri.parameter(name)
            assert found[day].over[name] == sum(f.main_business_revenue >= limit for f in rows)
        assert ri.gathered(day).value == ri.enterprises(day).count()
        above = ri.enterprises(day).filter(above_designated_size=True)
        assert ri.above_size(day).value == above.count()
