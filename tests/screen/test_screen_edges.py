"""Every threshold, cap and date edge at ±1 fen / ±1 day: kernel and engine agree, and the
amounts are the ones the policy text gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from policyhub.screen import Options, screen_frame
from tests.screen.oracle import ALL_OPTIONS, kernel, mismatches
from tests.screen.strategies import to_frame

YUAN = 100
D = dt.date
CODE = "91430100AY4CL12T2M"


def _applicant(name: str, events: list[dict[str, Any]], **who: Any) -> list[dict[str, Any]]:
    base = {"applicant_id": name, "kind": "enterprise", "credit_code": CODE,
            "registered_in_changsha": True, "taxed_in_changsha": True,
            "cybersecurity_business": True, **who}
    rows = []
    for index, e in enumerate(events):
        fees = e.pop("fees", None)
        row = {**base, "event_index": index, **e}
        if fees is None:
            rows.append(row)
        else:
            rows.extend({**row, "fee_date": d, "fee_amount": a} for d, a in fees)
    return rows


def _revenue(*amounts: int, first: int = 2019) -> list[dict[str, Any]]:
    return [{"type": "annual_revenue", "year": first + i, "amount": a}
            for i, a in enumerate(amounts)]


THRESHOLDS = [10_000_000, 50_000_000, 100_000_000, 1_000_000_000, 5_000_000_000]


def _cases() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for t in THRESHOLDS:
        for delta in (-1, 0, 1):
            rows += _applicant(f"rev-{t}{delta:+d}", _revenue(t * YUAN + delta))
            # reached in 2018 (not covered), dips, re-crosses in 2020 (covered)
            rows += _applicant(f"recross-{t}{delta:+d}", _revenue(
                t * YUAN, t * YUAN - 1, t * YUAN + delta, first=2018))
    for delta in (-1, 0, 1):
        leading = {"type": "leading_firm_investment", "date": D(2020, 5, 1),
                   "schedule_met": True}
        rows += _applicant(f"paid-in{delta:+d}", [{**leading, "paid_in_capital":
                                                    100_000_000 * YUAN + delta,
                                                    "completed_investment": 1000}])
        rows += _applicant(f"leading-cap{delta:+d}", [{**leading, "paid_in_capital":
                                                        100_000_000 * YUAN,
                                                        "completed_investment":
                                                        500_000_000 * YUAN + delta}])
        rows += _applicant(f"project-total{delta:+d}", [{
            "type": "project_investment", "date": D(2020, 5, 1), "project_kind": "new_build",
            "total_investment": 50_000_000 * YUAN + delta, "actual_investment": 15}])
        rows += _applicant(f"project-cap{delta:+d}", [{
            "type": "project_investment", "date": D(2020, 5, 1), "project_kind": "new_build",
            "total_investment": 50_000_000 * YUAN, "actual_investment":
            50_000_000 * YUAN + delta}])
        rows += _applicant(f"construction-cap{delta:+d}", [{
            "type": "platform_construction", "date": D(2020, 5, 1),
            "major_public_platform": True, "construction_cost": 1_666_666_667 + delta}])
        rows += _applicant(f"pk-cap{delta:+d}", [{
            "type": "pk_demo_project", "date": D(2020, 5, 1), "selected": True,
            "rd_investment": 1_666_666_667 + delta}])
        rows += _applicant(f"fees-cap{delta:+d}", [{
            "type": "platform_service_fees", "operation_start": D(2019, 9, 1),
            "major_public_platform": True, "matter": "platform",
            "fees": [(D(2020, 1, 1), 3_000_000 * YUAN)]}, {
            "type": "platform_service_fees", "operation_start": D(2019, 9, 1),
            "major_public_platform": True, "matter": "platform",
            "fees": [(D(2020, 6, 1), 2_000_000 * YUAN + delta)]}])
    for start in (D(2019, 7, 31), D(2020, 2, 29), D(2019, 3, 1)):
        end = start.replace(year=start.year + 3) if start != D(2020, 2, 29) else D(2023, 3, 1)
        one = dt.timedelta(days=1)
        rows += _applicant(f"window-{start}", [{
            "type": "platform_service_fees", "operation_start": start,
            "major_public_platform": True,
            "fees": [(start - one, 100), (start, 200), (end - one, 300), (end, 400)]}])
    for day in (D(2019, 7, 31), D(2019, 8, 1), D(2022, 7, 31), D(2022, 8, 1)):
        rows += _applicant(f"validity-{day}", [
            {"type": "standard_led", "date": day, "level": "national"},
            {"type": "competition_prize", "date": day, "rank": 1,
             "settles_in_changsha": True}], cybersecurity_business=False)
    # Half a fen after the rate: 10% of 0.05 yuan is 0.005 yuan, rounded up to 0.01.
    rows += _applicant("half-fen", [{
        "type": "project_investment", "date": D(2020, 5, 1), "project_kind": "tech_upgrade",
        "total_investment": 50_000_000 * YUAN, "actual_investment": 5}])
    return rows


CASES = to_frame(_cases(), typed=True)


@pytest.mark.parametrize("options", ALL_OPTIONS, ids=str)
def test_screen_edges_match_the_engine(options: Options) -> None:
    assert mismatches(CASES, options) == []


def _granted(name: str) -> dict[str, str]:
    got = kernel(screen_frame(CASES, Options(D(2022, 12, 31))))[name]
    return {rule: amount for rule, _, amount, status, *_ in got["awards"] if status == "granted"}


@pytest.mark.parametrize(("threshold", "delta", "want"), [
    (10_000_000, -1, None), (10_000_000, 0, "100000.00"), (10_000_000, 1, "100000.00"),
    (50_000_000, -1, "100000.00"), (50_000_000, 0, "500000.00"),
    (100_000_000, -1, "500000.00"), (100_000_000, 0, "1000000.00"),
    (1_000_000_000, -1, "1000000.00"), (1_000_000_000, 0, "5000000.00"),
    (5_000_000_000, -1, "5000000.00"), (5_000_000_000, 1, "10000000.00"),
])
def test_screen_revenue_thresholds_at_one_fen(threshold: int, delta: int,
                                              want: str | None) -> None:
    assert _granted(f"rev-{threshold}{delta:+d}").get("P4.milestone") == want


@pytest.mark.parametrize(("name", "rule", "want"), [
    ("paid-in-1", "P4.leading_firm", None),
    ("paid-in+0", "P4.leading_firm", "1.00"),  # 10% of 10 yuan
    ("leading-cap-1", "P4.leading_firm", "50000000.00"),  # 49,999,999.999 rounds up
    ("leading-cap+1", "P4.leading_firm", "50000000.00"),
    ("project-total-1", "P7.project", None),
    ("project-total+0", "P7.project", "0.02"),  # 10% of 0.15 yuan, half a fen up
    ("project-cap-1", "P7.project", "5000000.00"),
    ("construction-cap-1", "P2.construction", "5000000.00"),
    ("pk-cap-1", "P9.pk_demo", "5000000.00"),
    ("fees-cap-1", "P2.service_fees", "4999999.99"),
    ("fees-cap+0", "P2.service_fees", "5000000.00"),
    ("fees-cap+1", "P2.service_fees", "5000000.00"),
    # [start, start + 3 years): the fee on the last day counts, the one on the end does not
    # (fees before 2019-08-01 are outside the validity window)
    ("window-2019-07-31", "P2.service_fees", "3.00"),
    ("window-2019-03-01", "P2.service_fees", "3.00"),
    ("window-2020-02-29", "P2.service_fees", "2.00"),
    ("half-fen", "P7.project", "0.01"),
])
def test_screen_caps_and_windows(name: str, rule: str, want: str | None) -> None:
    assert _granted(name).get(rule) == want
