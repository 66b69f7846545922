"""Request parsing: every bad field is named by its path, all at once, nothing half-read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from policyhub.engine.request import InputError, parse_request

TODAY = dt.date(2022, 7, 31)
FIRM = {
    "kind": "enterprise",
    "credit_code": "91430100AY4CL12T2M",
    "registered_in_changsha": True,
    "taxed_in_changsha": True,
    "cybersecurity_business": True,
}
STANDARD = {"type": "standard_led", "date": "2020-05-10", "level": "national"}


def request(*events: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"applicant": dict(FIRM), "events": list(events), **fields}


def problems(raw: Any) -> dict[str, str]:
    with pytest.raises(InputError) as refused:
        parse_request(raw, TODAY)
    return {p["path"]: p["message"] for p in refused.value.problems}


def test_a_valid_request_is_read_into_typed_values() -> None:
    parsed = parse_request(request(STANDARD, as_of="2021-01-02"), TODAY)
    assert parsed.as_of == dt.date(2021, 1, 2)
    assert (parsed.dedup_scope, parsed.milestone_jump) == ("matter", "highest")
    assert parsed.applicant.in_scope
    assert parsed.events[0].date == dt.date(2020, 5, 10)


def test_as_of_defaults_to_today() -> None:
    assert parse_request(request(), TODAY).as_of == TODAY


def test_a_revenue_year_is_dated_on_its_last_day() -> None:
    parsed = parse_request(request({"type": "annual_revenue", "year": 2020, "amount": "1"}), TODAY)
    assert parsed.events[0].date == dt.date(2020, 12, 31)


def test_extra_fields_are_ignored() -> None:
    raw = request({**STANDARD, "note": "x"}, comment="ignored")
    raw["applicant"]["website"] = "https://example.com"
    assert parse_request(raw, TODAY).events[0].type == "standard_led"


@pytest.mark.parametrize(
    "event, path",
    [
        ({**STANDARD, "type": "patent"}, "events[0].type"),
        ({k: v for k, v in STANDARD.items() if k != "type"}, "events[0].type"),
        ({k: v for k, v in STANDARD.items() if k != "date"}, "events[0].date"),
        ({**STANDARD, "date": "2020-02-30"}, "events[0].date"),
        ({**STANDARD, "date": "10/05/2020"}, "events[0].date"),
        ({**STANDARD, "date": 20200510}, "events[0].date"),
        ({**STANDARD, "matter": 7}, "events[0].matter"),
        ({"type": "annual_revenue", "year": "2020", "amount": "1"}, "events[0].year"),
        ({"type": "annual_revenue", "year": 2020.5, "amount": "1"}, "events[0].year"),
        ({"type": "annual_revenue", "year": True, "amount": "1"}, "events[0].year"),
        ({"type": "annual_revenue", "year": 2020, "amount": "-1"}, "events[0].amount"),
        ({"type": "annual_revenue", "year": 2020, "amount": "1e7"}, "events[0].amount"),
        ({"type": "annual_revenue", "year": 2020, "amount": -3}, "events[0].amount"),
        ({"type": "annual_revenue", "year": 2020, "amount": True}, "events[0].amount"),
        (
            {
                "type": "competition_prize",
                "date": "2020-10-20",
                "rank": 4,
                "settles_in_changsha": True,
            },
            "events[0].rank",
        ),
        (
            {
                "type": "competition_prize",
                "date": "2020-10-20",
                "rank": True,
                "settles_in_changsha": True,
            },
            "events[0].rank",
        ),
        (
            {
                "type": "competition_prize",
                "date": "2020-10-20",
                "rank": 1,
                "settles_in_changsha": "yes",
            },
            "events[0].settles_in_changsha",
        ),
        ({"type": "urgent_talent", "date": "2020-10-20", "category": "a"}, "events[0].category"),
        ({"type": "ipo_stage", "date": "2020-10-20", "stage": "ipo"}, "events[0].stage"),
        ({"type": "discretionary", "date": "2020-10-20", "rule": "P6.standard"}, "events[0].rule"),
        (
            {
                "type": "platform_service_fees",
                "operation_start": "2020-01-01",
                "major_public_platform": True,
                "fees": [],
            },
            "events[0].fees",
        ),
        (
            {
                "type": "platform_service_fees",
                "operation_start": "2020-01-01",
                "major_public_platform": True,
                "fees": [{"date": "2020-02-30", "amount": "1"}],
            },
            "events[0].fees[0].date",
        ),
        (
            {
                "type": "platform_service_fees",
                "operation_start": "2020-01-01",
                "major_public_platform": True,
                "fees": ["1000"],
            },
            "events[0].fees[0]",
        ),
        (
            {
                "type": "platform_service_fees",
                "major_public_platform": True,
                "fees": [{"date": "2020-02-01", "amount": "1"}],
            },
            "events[0].operation_start",
        ),
        ("standard_led", "events[0]"),
    ],
)
def test_each_kind_of_bad_event_field_is_named_by_its_path(event: Any, path: str) -> None:
    assert path in problems(request(event))


@pytest.mark.parametrize(
    "change, path",
    [
        ({"kind": "company"}, "applicant.kind"),
        ({"kind": None}, "applicant.kind"),
        ({"registered_in_changsha": None}, "applicant.registered_in_changsha"),
        ({"taxed_in_changsha": 1}, "applicant.taxed_in_changsha"),
        ({"cybersecurity_business": "true"}, "applicant.cybersecurity_business"),
        ({"credit_code": None}, "applicant.credit_code"),
        ({"credit_code": "91430100AY4CL12T23"}, "applicant.credit_code"),
        ({"id": 5}, "applicant.id"),
        ({"name": ["x"]}, "applicant.name"),
    ],
)
def test_each_kind_of_bad_applicant_field_is_named_by_its_path(
    change: dict[str, Any], path: str
) -> None:
    raw = request()
    raw["applicant"] = {**FIRM, **change}
    assert path in problems(raw)


@pytest.mark.parametrize(
    "raw, path",
    [
        ({"events": []}, "applicant"),
        ({"applicant": FIRM}, "events"),
        ({"applicant": FIRM, "events": {}}, "events"),
        ({"applicant": FIRM, "events": [], "as_of": "2021-13-01"}, "as_of"),
        ({"applicant": FIRM, "events": [], "options": "matter"}, "options"),
        (
            {"applicant": FIRM, "events": [], "options": {"dedup_scope": "firm"}},
            "options.dedup_scope",
        ),
        (
            {"applicant": FIRM, "events": [], "options": {"milestone_jump": None}},
            "options.milestone_jump",
        ),
        ([], ""),
        ("{}", ""),
    ],
)
def test_each_kind_of_bad_request_field_is_named_by_its_path(raw: Any, path: str) -> None:
    assert path in problems(raw)


def test_several_problems_are_reported_at_once() -> None:
    raw = request(
        {**STANDARD, "date": "2020-02-30"},
        {"type": "competition_prize", "date": "2020-10-20", "rank": 4, "settles_in_changsha": True},
        {"type": "unknown"},
        as_of="soon",
    )
    raw["applicant"]["taxed_in_changsha"] = "no"
    found = problems(raw)
    assert {
        "as_of",
        "applicant.taxed_in_changsha",
        "events[0].date",
        "events[1].rank",
        "events[2].type",
    } <= set(found)
    assert all(message for message in found.values())


def test_a_duplicate_revenue_year_is_bad_input_naming_the_second() -> None:
    found = problems(
        request(
            {"type": "annual_revenue", "year": 2020, "amount": "1"},
            {"type": "annual_revenue", "year": 2019, "amount": "1"},
            {"type": "annual_revenue", "year": 2020, "amount": "2"},
        )
    )
    assert list(found) == ["events[2].year"]
    assert "events[0]" in found["events[2].year"]


@pytest.mark.parametrize("kind", ["person", "team"])
def test_a_credit_code_is_optional_for_people_and_teams(kind: str) -> None:
    raw = request()
    raw["applicant"] = {k: v for k, v in FIRM.items() if k != "credit_code"} | {"kind": kind}
    assert parse_request(raw, TODAY).applicant.credit_code is None


@pytest.mark.parametrize("kind", ["person", "team"])
def test_a_credit_code_given_for_people_and_teams_is_checked(kind: str) -> None:
    raw = request()
    raw["applicant"] = {**FIRM, "kind": kind, "credit_code": "91430100AY4CL12T23"}
    assert "applicant.credit_code" in problems(raw)
    raw["applicant"]["credit_code"] = "91430100AY4CL12T2M"
    assert parse_request(raw, TODAY).applicant.credit_code == "91430100AY4CL12T2M"


@pytest.mark.parametrize("kind", ["enterprise", "institute", "platform_operator", "park"])
def test_a_credit_code_is_required_for_organisations(kind: str) -> None:
    raw = request()
    raw["applicant"] = {k: v for k, v in FIRM.items() if k != "credit_code"} | {"kind": kind}
    assert "applicant.credit_code" in problems(raw)


def test_the_kind_of_applicant_does_not_restrict_event_types() -> None:
    raw = request({"type": "ipo_stage", "date": "2020-01-15", "stage": "listed"})
    raw["applicant"] = {**FIRM, "kind": "person"}
    assert parse_request(raw, TODAY).events[0].type == "ipo_stage"
