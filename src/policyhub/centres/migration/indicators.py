"""City-wide shares for the action-plan monitor: each unit's latest report on or before the
day, summed (a unit's share is not averaged: a unit with 2,000 terminals weighs more)."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from policyhub.centres.common import share, source
from policyhub.centres.migration.models import AppMigration, TerminalReplacement
from policyhub.plan.indicators import Measure, indicator, listed

R = TypeVar("R", TerminalReplacement, AppMigration)


def latest_per_unit(model: type[R], day: dt.date) -> list[R]:
    """Each unit's newest report on or before `day`."""
    latest: dict[int, R] = {}
    for r in model.objects.filter(as_of__lte=day).select_related("unit") \
            .order_by("-as_of", "-id"):
        latest.setdefault(r.unit_id, r)
    return list(latest.values())


def _city_share(model: type[R], day: dt.date, done_text: str) -> Measure:
    rows = latest_per_unit(model, day)
    done, total = sum(r.part for r in rows), sum(r.whole for r in rows)
    return Measure(share(done, total), listed(rows, source),
                   note=f"{len(rows)}个单位{done_text.format(done=done, total=total)}")


@indicator("migration.terminals_share", label="全市党政办公终端更新比例", unit="%")
def terminals_share(day: dt.date) -> Measure:
    """计划/二/(四)/1#1: 全市党政办公终端更新超过80%."""
    return _city_share(TerminalReplacement, day, "已更新 {done} / {total} 台")


@indicator("migration.apps_share", label="主要党政办公应用系统完成迁移比例", unit="%")
def apps_share(day: dt.date) -> Measure:
    """计划/二/(四)/2#4: 完成市、区县(市)主要党政办公应用系统迁移 (100%)."""
    return _city_share(AppMigration, day, "已迁移 {done} / {total} 个系统")
