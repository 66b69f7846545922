"""Properties every decision keeps, on random valid requests (Hypothesis).

The strategy builds requests with every event type, amounts in whole fen, dates around the
validity window (2019-08-01 .. 2022-07-31), random matters (including `revenue-2020`, which
the contract makes the matter of the 2020 revenue step) and both options.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyhub.engine import InputError, evaluate, loads, meta
from policyhub.engine.params import parameters
from tests.engine.creditcodes import valid_code

AMOUNT = re.compile(r"\A[0-9]+\.[0-9]{2}\Z")
PARAMS = parameters()


def _p(name: str) -> Any:
    """The single value of a parameter (every parameter has one period so far)."""
    periods = PARAMS[name].periods()
    assert len(periods) == 1, f"{name} has several periods: make the cap checks date-aware"
    return periods[0][1]


MILESTONES = _p("p4_enterprises.milestones")
THRESHOLDS = [step["threshold"] for step in MILESTONES]
RATE_CAPS = {  # rules paying a share of a figure, capped per matter
    "P2.construction": _p("p2_platforms.construction_cap"),
    "P2.service_fees": _p("p2_platforms.service_fee_cap"),
    "P4.leading_firm": _p("p4_enterprises.leading_firm_cap"),
    "P7.project": _p("p7_projects.project_cap"),
    "P9.pk_demo": _p("p9_pk_demo.pk_demo_cap"),
}
FIXED = {  # rules paying one of the text's amounts per event
    "P4.milestone": {step["amount"] for step in MILESTONES},
    "P5.talent_reward": set(_p("p5_talents.talent_reward").values()),
    "P5.urgent_talent": set(_p("p5_talents.urgent_talent").values()),
    "P5.civil_military": set(_p("p5_talents.civil_military").values()),
    "P5.civil_military_team": {_p("p5_talents.civil_military_team")},
    "P6.standard": set(_p("p6_standards.standard").values()),
    "P8.ipo": set(_p("p8_ipo.ipo_stage").values()),
    "P10.prize": set(_p("p10_competition.prize").values()),
    "P10.settlement": set(_p("p10_competition.settlement").values()),
}
DISCRETIONARY = [
    "P3.cluster_park",
    "P5.leader_project",
    "P5.major_contribution",
    "P7.major_project",
    "P10.exceptional_settlement",
]
MONEY_FIELDS = {
    "amount",
    "paid_in_capital",
    "completed_investment",
    "housing_price_per_m2",
    "total_investment",
    "actual_investment",
    "construction_cost",
    "rd_investment",
}


def decide(request: dict[str, Any]) -> dict[str, Any]:
    return evaluate(request)


# --- strategies ---------------------------------------------------------------------------------

DAYS = st.dates(dt.date(2019, 5, 1), dt.date(2022, 10, 31)).map(dt.date.isoformat)


def money(low: int = 0, high: int = 10**10, near: tuple[int, ...] = ()) -> st.SearchStrategy[str]:
    """Whole-fen yuan amounts as plain decimal strings, often a few fen around `near`."""
    fen = st.integers(low, high)
    if near:
        fen = st.one_of(
            fen,
            st.sampled_from(near).flatmap(lambda y: st.integers(max(0, y * 100 - 3), y * 100 + 3)),
        )
    return st.tuples(fen, st.booleans()).map(lambda f: _yuan(*f))


def _yuan(fen: int, bare: bool) -> str:
    """1234 fen -> "12.34"; a whole amount is sometimes written without decimals ("12")."""
    return f"{fen // 100}" if bare and fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def _event(event_type: str, /, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({"type": st.just(event_type), **fields})


EVENTS = st.one_of(
    _event(
        "leading_firm_investment",
        date=DAYS,
        paid_in_capital=money(near=(100_000_000,), high=3 * 10**10),
        completed_investment=money(high=10**11, near=(500_000_000,)),
        schedule_met=st.booleans(),
    ),
    _event(
        "talent_recognition",
        date=DAYS,
        level=st.sampled_from(
            ["international_top", "national_leader", "provincial_municipal_leader"]
        ),
        housing_price_per_m2=money(high=5_000_000),
    ),
    _event("urgent_talent", date=DAYS, category=st.sampled_from("ABC")),
    _event("civil_military_researcher", date=DAYS, category=st.sampled_from("ABC")),
    _event("civil_military_team_project", date=DAYS),
    _event(
        "standard_led",
        date=DAYS,
        level=st.sampled_from(["international", "national", "local", "industry"]),
    ),
    _event(  # Revision 2: the optional `revision` given
        "standard_led",
        date=DAYS,
        level=st.sampled_from(["international", "national", "local"]),
        revision=st.sampled_from([True, False, None]),
    ),
    _event(
        "project_investment",
        date=DAYS,
        total_investment=money(high=2 * 10**10, near=(50_000_000,)),
        actual_investment=money(high=2 * 10**10, near=(50_000_000,)),
        kind=st.sampled_from(["new_build", "tech_upgrade"]),
    ),
    _event(
        "ipo_stage",
        date=DAYS,
        stage=st.sampled_from(["tutoring_filed", "application_accepted", "listed"]),
    ),
    _event(
        "platform_construction",
        date=DAYS,
        construction_cost=money(high=4 * 10**9, near=(16_666_667,)),
        major_public_platform=st.booleans(),
    ),
    _event(
        "platform_service_fees",
        operation_start=st.dates(dt.date(2018, 6, 1), dt.date(2022, 6, 1)).map(str),
        major_public_platform=st.booleans(),
        fees=st.lists(
            st.fixed_dictionaries({"date": DAYS, "amount": money(high=4 * 10**8)}),
            min_size=1,
            max_size=4,
        ),
    ),
    _event(
        "pk_demo_project", date=DAYS, rd_investment=money(high=4 * 10**9), selected=st.booleans()
    ),
    _event(
        "competition_prize",
        date=DAYS,
        rank=st.sampled_from([1, 2, 3]),
        settles_in_changsha=st.booleans(),
    ),
    _event("discretionary", date=DAYS, rule=st.sampled_from(DISCRETIONARY)),
)
MATTERS = st.sampled_from(
    [None, None, "m1", "m2", "revenue-2020", "leading-firm", "talent", "settlement"]
)


@st.composite
def events_with_matters(draw: st.DrawFn) -> list[dict[str, Any]]:
    events = []
    for event in draw(st.lists(EVENTS, max_size=8)):
        matter = draw(MATTERS)
        events.append(event if matter is None else {**event, "matter": matter})
    return events


@st.composite
def revenues(draw: st.DrawFn) -> list[dict[str, Any]]:
    years = draw(st.lists(st.integers(2017, 2023), unique=True, max_size=5))
    near = tuple(int(t) for t in THRESHOLDS)
    return [
        {"type": "annual_revenue", "year": y, "amount": draw(money(high=6 * 10**11, near=near))}
        for y in years
    ]


@st.composite
def applicants(draw: st.DrawFn, in_scope: bool | None = None) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(["enterprise", "institute", "platform_operator", "park", "person", "team"])
    )
    flags = ["registered_in_changsha", "taxed_in_changsha", "cybersecurity_business"]
    if in_scope is None:
        in_scope = draw(st.sampled_from([True, True, True, False]))
    if in_scope:
        values = [True, True, True]
    else:
        values = draw(st.lists(st.booleans(), min_size=3, max_size=3).filter(lambda v: not all(v)))
    applicant: dict[str, Any] = {"kind": kind, "name": "测试主体"}
    applicant.update(zip(flags, values, strict=True))
    if kind not in ("person", "team") or draw(st.booleans()):
        applicant["credit_code"] = draw(st.builds(valid_code, st.randoms()))
    return applicant


@st.composite
def requests(draw: st.DrawFn, in_scope: bool | None = None) -> dict[str, Any]:
    events = draw(events_with_matters()) + draw(revenues())
    return {
        "as_of": draw(
            st.one_of(
                st.sampled_from(["2022-07-31", "2023-06-30"]),
                st.dates(dt.date(2019, 6, 1), dt.date(2023, 6, 30)).map(str),
            )
        ),
        "options": {
            "dedup_scope": draw(st.sampled_from(["matter", "applicant"])),
            "milestone_jump": draw(st.sampled_from(["highest", "cumulative"])),
        },
        "applicant": draw(applicants(in_scope)),
        "events": draw(st.permutations(events)),
    }


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _with(request: dict[str, Any], **options: str) -> dict[str, Any]:
    return {**request, "options": {**request["options"], **options}}


def _granted(decision: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in decision["awards"] if a["status"] == "granted"]


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(requests())
def test_total_is_the_sum_of_granted_awards(request: dict[str, Any]) -> None:
    decision = decide(request)
    total = sum((Decimal(a["amount"]) for a in _granted(decision)), Decimal(0))
    assert decision["total"] == f"{total:.2f}"


@PROPERTY
@given(requests())
def test_awards_are_two_decimal_non_negative_and_within_their_caps(request: dict[str, Any]) -> None:
    decision = decide(request)
    assert AMOUNT.match(decision["total"])
    for a in decision["awards"]:
        assert AMOUNT.match(a["amount"]), a
        amount = Decimal(a["amount"])
        if a["rule"] in RATE_CAPS:
            assert amount <= RATE_CAPS[a["rule"]], a
        if a["rule"] in FIXED:
            assert amount in FIXED[a["rule"]], a
    ipo = sum(
        (Decimal(a["amount"]) for a in _granted(decision) if a["rule"] == "P8.ipo"), Decimal(0)
    )
    assert ipo <= _p("p8_ipo.ipo_total")
    for d in decision["discretionary"]:
        assert d["cap"] is None or AMOUNT.match(d["cap"]), d


@PROPERTY
@given(requests())
def test_applicant_scope_never_grants_more_than_matter_scope(request: dict[str, Any]) -> None:
    by_matter = decide(_with(request, dedup_scope="matter"))
    by_applicant = decide(_with(request, dedup_scope="applicant"))
    assert Decimal(by_applicant["total"]) <= Decimal(by_matter["total"])


@PROPERTY
@given(requests())
def test_cumulative_never_grants_less_than_highest(request: dict[str, Any]) -> None:
    highest = decide(_with(request, milestone_jump="highest"))
    cumulative = decide(_with(request, milestone_jump="cumulative"))
    assert Decimal(cumulative["total"]) >= Decimal(highest["total"])


@PROPERTY
@given(requests())
def test_excluded_awards_name_a_granted_winner(request: dict[str, Any]) -> None:
    decision = decide(request)
    per_matter = decision["options"]["dedup_scope"] == "matter"
    granted = {(a["rule"], a["matter"] if per_matter else None) for a in _granted(decision)}
    for a in decision["awards"]:
        if a["status"] == "excluded":
            winner = (a["excluded_by"], a["matter"] if per_matter else None)
            assert winner in granted, a
            assert a["excluded_by"].split(".")[0] != a["rule"].split(".")[0], a


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@PROPERTY
@given(requests(), st.randoms())
def test_decisions_are_deterministic_and_ignore_key_order(
    request: dict[str, Any], rng: random.Random
) -> None:
    first = decide(request)
    assert decide(request) == first
    assert decide(_shuffled(request, rng)) == first


def _reaches_nothing_new(event: dict[str, Any], request: dict[str, Any]) -> bool:
    """A revenue year that newly reaches no threshold and climbs back over none."""
    amount = Decimal(event["amount"])
    reached = [t for t in THRESHOLDS if amount >= t]
    if not reached:
        return True
    earlier = [
        e for e in request["events"] if e["type"] == "annual_revenue" and e["year"] < event["year"]
    ]
    if not earlier:
        return False
    previous = max(earlier, key=lambda e: e["year"])
    return Decimal(previous["amount"]) >= reached[-1]


@PROPERTY
@given(requests())
def test_every_event_is_accounted_for(request: dict[str, Any]) -> None:
    decision = decide(request)
    seen = {i for a in decision["awards"] for i in a["events"]}
    seen |= {i["event_index"] for i in decision["ineligible"]}
    seen |= {d["event_index"] for d in decision["discretionary"]}
    for index, event in enumerate(request["events"]):
        if index in seen:
            continue
        if event["type"] == "discretionary":
            # contract: an item the applicant's kind may not receive is simply not listed
            kinds = meta.rule(event["rule"]).kinds
            assert request["applicant"]["kind"] not in kinds, (index, event)
            continue
        assert event["type"] == "annual_revenue", (index, event)
        assert _reaches_nothing_new(event, request), (index, event)


@PROPERTY
@given(requests(in_scope=False))
def test_an_out_of_scope_applicant_gets_only_competition_awards(request: dict[str, Any]) -> None:
    decision = decide(request)
    assert {a["clause"] for a in decision["awards"]} <= {"二(十)"}
    assert {d["rule"] for d in decision["discretionary"]} <= {"P10.exceptional_settlement"}
    for item in decision["ineligible"]:
        if item["reason_code"] not in (
            "future_event",
            "applicant_kind",
            "outside_validity",
            "duplicate_stage",
            "already_settled",
        ):
            assert item["reason_code"] == "out_of_scope", item


@PROPERTY
@given(requests())
def test_money_as_a_json_number_decides_like_money_as_a_string(request: dict[str, Any]) -> None:
    body = json.dumps(request, ensure_ascii=False)
    fields = "|".join(sorted(MONEY_FIELDS))
    as_numbers = re.sub(rf'"({fields})": "([0-9.]+)"', r'"\1": \2', body)
    assert decide(loads(as_numbers)) == decide(request)


# --- invalid mutations ------------------------------------------------------------------------


def _negative_amount(event: dict[str, Any], draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    if event["type"] == "platform_service_fees":
        fees = [{**event["fees"][0], "amount": "-1"}, *event["fees"][1:]]
        return {**event, "fees": fees}, ".fees[0].amount"
    names = sorted(set(event) & MONEY_FIELDS)
    if not names:
        event = {"type": "pk_demo_project", "date": "2020-11-01", "selected": True}
        names = ["rd_investment"]
    field = draw(st.sampled_from(names))
    return {**event, field: draw(st.sampled_from(["-1", "-0.01", -5]))}, f".{field}"


def _bad_date(event: dict[str, Any], draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    field = "operation_start" if event["type"] == "platform_service_fees" else "date"
    bad = draw(st.sampled_from(["2021-02-29", "2020-13-01", "2020-5-1", "20200501", ""]))
    return {**event, field: bad}, f".{field}"


def _unknown_type(event: dict[str, Any], draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    return {**event, "type": draw(st.sampled_from(["tax_rebate", "", "Standard_led", 7]))}, ".type"


def _rank_4(event: dict[str, Any], draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    prize = {"type": "competition_prize", "date": "2020-10-20", "settles_in_changsha": True}
    return {**prize, "rank": draw(st.sampled_from([4, 0, -1]))}, ".rank"


MUTATIONS = {
    "negative amount": _negative_amount,
    "bad date": _bad_date,
    "unknown type": _unknown_type,
    "rank 4": _rank_4,
}


@PROPERTY
@given(requests(), EVENTS, st.sampled_from(sorted(MUTATIONS)), st.data())
def test_invalid_mutations_are_refused_naming_the_field(
    request: dict[str, Any], event: dict[str, Any], mutation: str, data: st.DataObject
) -> None:
    broken, suffix = MUTATIONS[mutation](event, data.draw)
    index = data.draw(st.integers(0, len(request["events"])))
    events = [*request["events"][:index], broken, *request["events"][index:]]
    with pytest.raises(InputError) as refused:
        evaluate({**request, "events": events})
    paths = [p["path"] for p in refused.value.problems]
    assert f"events[{index}]{suffix}" in paths, paths


# --- Revision 2 (R1-R5) -------------------------------------------------------------------------

ONE_CAP = _p("p4_enterprises.leading_firm_cap")
SETTLEMENT_CAP = _p("p10_competition.exceptional_settlement_cap")


@PROPERTY
@given(requests())
def test_a_rule_pays_only_the_kinds_of_the_contract_table(request: dict[str, Any]) -> None:
    from tests.engine.test_references import contract_kinds

    kinds, kind = contract_kinds(), request["applicant"]["kind"]
    decision = decide(request)
    assert [a["rule"] for a in decision["awards"] if kind not in kinds[a["rule"]]] == []
    assert [d["rule"] for d in decision["discretionary"] if kind not in kinds[d["rule"]]] == []
    for item in decision["ineligible"]:
        if item["reason_code"] == "applicant_kind":
            assert kind not in kinds[item["rule"]], item


@PROPERTY
@given(requests())
def test_a_firm_a_talent_and_a_settlement_are_paid_once(request: dict[str, Any]) -> None:
    decision = decide(request)
    awards = decision["awards"]
    for rule, matter in [
        ("P4.leading_firm", "leading-firm"),
        ("P5.talent_reward", "talent"),
        ("P5.housing", "talent"),
        ("P10.settlement", "settlement"),
    ]:
        mine = [a for a in awards if a["rule"] == rule]
        assert len(mine) <= 1, mine
        assert all(a["matter"] == matter for a in mine), mine
    firm = sum((Decimal(a["amount"]) for a in awards if a["rule"] == "P4.leading_firm"), Decimal(0))
    assert firm <= ONE_CAP


@PROPERTY
@given(requests())
def test_the_exceptional_settlement_cap_includes_the_granted_settlement(
    request: dict[str, Any],
) -> None:
    decision = decide(request)
    settled = sum(
        (Decimal(a["amount"]) for a in _granted(decision) if a["rule"] == "P10.settlement"),
        Decimal(0),
    )
    for item in decision["discretionary"]:
        if item["rule"] == "P10.exceptional_settlement":
            assert Decimal(item["cap"]) == max(SETTLEMENT_CAP - settled, Decimal(0)), item


@PROPERTY
@given(requests())
def test_a_revised_local_standard_is_never_paid(request: dict[str, Any]) -> None:
    decision = decide(request)
    revised = {
        i
        for i, e in enumerate(request["events"])
        if e["type"] == "standard_led" and e["level"] == "local" and e.get("revision") is True
    }
    assert [a for a in decision["awards"] if set(a["events"]) & revised] == []
