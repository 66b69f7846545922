"""Inputs that fit the contract must be decided, and inputs that do not must be refused with a
path (InputError) — never an unexpected exception (a CLI traceback, an API 500).

The strict xfails are engine bugs reported to the lead; each flips to a failure once fixed,
so the marker can be removed.
"""

from __future__ import annotations

from typing import Any

import pytest

from policyhub.engine import InputError, evaluate

FIRM = {
    "kind": "enterprise",
    "credit_code": "91430100AY4CL12T2M",
    "registered_in_changsha": True,
    "taxed_in_changsha": True,
    "cybersecurity_business": True,
}


def request(*events: dict[str, Any]) -> dict[str, Any]:
    return {"as_of": "2022-07-31", "applicant": FIRM, "events": list(events)}


def decided_or_refused(raw: dict[str, Any], path: str) -> None:
    """The contract's two outcomes: a decision, or a refusal naming `path`."""
    try:
        decision = evaluate(raw)
    except InputError as exc:
        assert any(path in p["path"] for p in exc.problems), exc.problems
    else:
        assert decision["contract"] == "policyhub.evaluate/1"


def test_an_award_held_to_its_cap_is_explained() -> None:
    decision = evaluate(
        request(
            {
                "type": "pk_demo_project",
                "date": "2020-11-01",
                "rd_investment": "20000000",
                "selected": True,
            }
        )
    )
    (award,) = decision["awards"]
    assert award["amount"] == "5000000.00"
    assert "5,000,000" in award["explanation"]


@pytest.mark.parametrize("bad_type", [["standard_led"], {"name": "standard_led"}])
def test_an_unhashable_event_type_is_refused_naming_it(bad_type: Any) -> None:
    with pytest.raises(InputError) as refused:
        evaluate(request({"type": bad_type, "date": "2020-05-10", "level": "national"}))
    assert "events[0].type" in [p["path"] for p in refused.value.problems]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "annual_revenue", "year": 2020, "amount": "1" + "0" * 58},
        {
            "type": "talent_recognition",
            "date": "2020-03-01",
            "level": "national_leader",
            "housing_price_per_m2": "1" + "0" * 58,
        },
    ],
    ids=["revenue", "housing price"],
)
def test_a_huge_amount_is_decided_or_refused(event: dict[str, Any]) -> None:
    field = "amount" if event["type"] == "annual_revenue" else "housing_price_per_m2"
    decided_or_refused(request(event), f"events[0].{field}")


def test_an_operation_start_near_year_9999_is_decided_or_refused() -> None:
    event = {
        "type": "platform_service_fees",
        "operation_start": "9999-01-01",
        "major_public_platform": True,
        "fees": [{"date": "2020-06-30", "amount": "1"}],
    }
    decided_or_refused(request(event), "events[0].operation_start")


@pytest.mark.parametrize(
    "event, path",
    [
        ({"type": "annual_revenue", "year": 2020, "amount": float("nan")}, "events[0].amount"),
        ({"type": "annual_revenue", "year": 2020, "amount": float("inf")}, "events[0].amount"),
        ({"type": "annual_revenue", "year": 9999, "amount": "1"}, "events[0].year"),
        ({"type": "annual_revenue", "year": 10**20, "amount": "1"}, "events[0].year"),
        ({"type": None}, "events[0].type"),
        ({"type": "standard_led", "date": "0000-01-01", "level": "national"}, "events[0].date"),
        (
            {"type": "standard_led", "date": "2020-05-10T00:00:00", "level": "national"},
            "events[0].date",
        ),
    ],
)
def test_odd_values_are_refused_naming_the_field(event: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as refused:
        evaluate(request(event))
    assert path in [p["path"] for p in refused.value.problems]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "standard_led", "date": "0001-01-01", "level": "national"},
        {"type": "standard_led", "date": "9999-12-31", "level": "national"},
        {"type": "annual_revenue", "year": 1000, "amount": "1"},
        {"type": "annual_revenue", "year": 2020, "amount": "0"},
        {
            "type": "project_investment",
            "date": "2020-06-01",
            "total_investment": "999999999999999999.99",
            "actual_investment": "1000000",
            "kind": "new_build",
        },
    ],
    ids=["first ISO day", "last ISO day", "year 1000", "zero revenue", "largest accepted amount"],
)
def test_extreme_but_valid_values_are_decided(event: dict[str, Any]) -> None:
    assert evaluate(request(event))["contract"] == "policyhub.evaluate/1"


@pytest.mark.parametrize("level", [3, "", ["national"], "provincial"])
def test_a_standard_level_the_text_does_not_name_is_unsupported_not_bad_input(level: Any) -> None:
    decision = evaluate(request({"type": "standard_led", "date": "2020-05-10", "level": level}))
    assert decision["total"] == "0.00"
    assert [(i["rule"], i["reason_code"]) for i in decision["ineligible"]] == [
        ("P6.standard", "unsupported_level")
    ]


def test_an_amount_of_ten_to_the_eighteen_yuan_is_refused_naming_the_field() -> None:
    event = {"type": "annual_revenue", "year": 2020, "amount": "1" + "0" * 18}
    with pytest.raises(InputError) as refused:
        evaluate(request(event))
    assert [p["path"] for p in refused.value.problems] == ["events[0].amount"]


def test_a_parameter_key_rules_yaml_does_not_name_yet_is_shown_as_it_is() -> None:
    from policyhub.engine import meta

    assert meta.name("standard_level", "national") == "国家标准"
    assert meta.name("standard_level", "industry") == "industry"
