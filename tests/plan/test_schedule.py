"""Quarterly report obligations: due, overdue, satisfied."""

from __future__ import annotations

import datetime as dt

import pytest

from policyhub.plan import schedule
from policyhub.plan.models import Report, Target
from tests.plan.conftest import evidence

START, DEADLINE = dt.date(2019, 7, 30), dt.date(2021, 12, 31)


def test_the_plan_has_ten_quarters() -> None:
    periods = schedule.periods(START, DEADLINE)
    assert len(periods) == 10
    assert (periods[0].start, periods[0].end) == (START, dt.date(2019, 9, 30))
    assert periods[-1].end == DEADLINE
    assert periods[0].due == dt.date(2019, 10, 15)
    assert periods[0].label == "2019年第3季度"


@pytest.mark.django_db
def test_it_is_due_until_the_grace_day_then_overdue(science_officer) -> None:  # type: ignore[no-untyped-def]
    def state(day: dt.date) -> list[bool]:
        return [o.overdue for o in schedule.obligations(day)
                if o.target.code == "incubators"]

    assert state(dt.date(2019, 9, 30)) == []          # the quarter has not ended
    assert state(dt.date(2019, 10, 1)) == [False]     # due
    assert state(dt.date(2019, 10, 15)) == [False]    # last day of grace
    assert state(dt.date(2019, 10, 16)) == [True]     # overdue
    Report.objects.create(target=Target.objects.get(code="incubators"),
                          unit=science_officer.roles.get().unit, value=1,
                          as_of=dt.date(2019, 9, 30), reporter=science_officer,
                          evidence=evidence())
    assert state(dt.date(2019, 10, 16)) == []


@pytest.mark.django_db
def test_computed_targets_need_no_report() -> None:
    codes = {o.target.code for o in schedule.obligations(dt.date(2022, 6, 1))}
    assert "industry-scale" not in codes and "pk-adaptations" not in codes
    assert "incubators" in codes
