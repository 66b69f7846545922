"""The status rule at its edges (pure functions) and progress from the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from policyhub.plan.progress import (
    Status,
    elapsed_share,
    is_met,
    progress_of,
    progress_report,
    reached_share,
    status,
)

D = Decimal
START, DEADLINE = dt.date(2019, 7, 30), dt.date(2021, 12, 31)


@pytest.mark.parametrize(("as_of", "share"), [
    (dt.date(2019, 7, 29), D(0)),      # before the start: clamped
    (START, D(0)),
    (DEADLINE, D(1)),
    (dt.date(2022, 6, 1), D(1)),      # after the deadline: clamped
])
def test_elapsed_share_is_clamped(as_of: dt.date, share: Decimal) -> None:
    assert elapsed_share(START, DEADLINE, as_of) == share


def test_elapsed_share_halfway() -> None:
    assert elapsed_share(dt.date(2020, 1, 1), dt.date(2020, 1, 11), dt.date(2020, 1, 6)) == D(
        "0.5")


@pytest.mark.parametrize(("kind", "value", "low", "met"), [
    ("at_least", D("299.99"), D(300), False),
    ("at_least", D(300), D(300), True),       # 突破/以上: the boundary reaches it
    ("share", D("79.99"), D(80), False),
    ("share", D(80), D(80), True),
    ("range", D(0), D(1), False),
    ("range", D(1), D(1), True),              # a range is met at its lower bound
    ("range", D(9), D(1), True),              # over the upper bound is still met
    ("at_most", D(5), D(5), True),
    ("at_most", D("5.01"), D(5), False),
])
def test_is_met_at_the_boundary(kind: str, value: Decimal, low: Decimal, met: bool) -> None:
    assert is_met(kind, value, low) is met


@pytest.mark.parametrize(("kind", "value", "low", "met"), [
    ("share", D(80), D(80), False),           # 超过80%: 80.0% is not over it
    ("share", D("80.01"), D(80), True),
    ("at_least", D(100), D(100), False),      # 大于100台: 100 is not more than 100
    ("at_least", D(101), D(100), True),
])
def test_a_strict_target_needs_more_than_its_value(kind: str, value: Decimal, low: Decimal,
                                                   met: bool) -> None:
    assert is_met(kind, value, low, strict=True) is met


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "text"), [("office-terminals-replaced", "> 80 %"),
                                            ("networked-demo-machines", "> 100 台")])
def test_the_strict_targets_load_as_strict(code: str, text: str) -> None:
    from policyhub.plan.models import Target

    target = Target.objects.get(code=code)
    assert target.strict and target.target_text() == text


def test_reached_share() -> None:
    assert reached_share("at_least", D(150), D(300)) == D("0.5")
    assert reached_share("range", D(1), D(2)) == D("0.5")
    assert reached_share("at_least", D(600), D(300)) == D(2)  # uncapped
    assert reached_share("at_most", D(10), D(5)) == D("0.5")
    assert reached_share("at_most", D(4), D(5)) == D(1)
    assert reached_share("at_least", D(0), D(0)) == D(1)


@pytest.mark.parametrize(("reached", "elapsed", "expected"), [
    (D("0.5"), D("0.5"), Status.ON_TRACK),     # exactly on the time line
    (D("0.4999"), D("0.5"), Status.AT_RISK),
    (D("0.4"), D("0.5"), Status.AT_RISK),      # exactly 0.8 × elapsed
    (D("0.3999"), D("0.5"), Status.BEHIND),
    (D(0), D(0), Status.ON_TRACK),             # on the first day nothing is late
])
def test_status_edges(reached: Decimal, elapsed: Decimal, expected: Status) -> None:
    assert status(met=False, reached=reached, elapsed=elapsed, past_deadline=False) == expected


def test_met_wins_and_no_data_and_past_deadline() -> None:
    assert status(met=True, reached=D(1), elapsed=D(1), past_deadline=True) == Status.MET
    assert status(met=False, reached=None, elapsed=D("0.5"),
                  past_deadline=False) == Status.NO_DATA
    assert status(met=False, reached=D("0.99"), elapsed=D(1),
                  past_deadline=True) == Status.BEHIND
    assert status(met=False, reached=D("0.99"), elapsed=D(1),
                  past_deadline=False) == Status.AT_RISK  # on the deadline day itself


@pytest.mark.django_db
def test_progress_report_covers_every_target_in_text_order() -> None:
    rows = progress_report(dt.date(2020, 6, 30))
    assert len(rows) == 29
    assert rows[0].group == "一、主要目标 · 产业规模大幅提升"
    assert rows[-1].group.startswith("二、主要任务 · (五)")
    assert [r.target.order for r in rows] == sorted(r.target.order for r in rows)


@pytest.mark.django_db
def test_a_reported_target_without_reports_has_no_data() -> None:
    from policyhub.plan.models import Target

    p = progress_of(Target.objects.get(code="incubators"), dt.date(2020, 6, 30))
    assert (p.value, p.status, p.source_kind) == (None, Status.NO_DATA, "none")
