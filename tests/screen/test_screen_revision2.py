"""The readings of contract Revision 2 at their edges: kernel and engine agree applicant by
applicant under every option, and the kernel gives what the text gives — one cap per leading
firm (±1 fen), one talent award at the highest level, one settlement for the best rank, the
一事一议 settlement cap less the standard one, who may receive each award, local standards
drafted only, and the reason order."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyhub.engine.request import DISCRETIONARY_RULES, KINDS
from policyhub.screen import Options, screen_frame
from policyhub.screen.problems import ScreenInputError
from policyhub.screen.schema import RULE_KINDS, RULES
from tests.screen.oracle import ALL_OPTIONS, Decision, kernel, mismatches
from tests.screen.strategies import registry, to_frame

YUAN = 100
D = dt.date
CODE = "91430100AY4CL12T2M"
DAY = D(2020, 5, 1)


def _applicant(name: str, events: list[dict[str, Any]], **who: Any) -> list[dict[str, Any]]:
    base = {"applicant_id": name, "kind": "enterprise", "credit_code": CODE,
            "registered_in_changsha": True, "taxed_in_changsha": True,
            "cybersecurity_business": True, **who}
    rows = []
    for index, e in enumerate(events):
        e = dict(e)
        fees = e.pop("fees", None)
        row = {**base, "event_index": index, **e}
        if fees is None:
            rows.append(row)
        else:
            rows.extend({**row, "fee_date": d, "fee_amount": a} for d, a in fees)
    return rows


def _leading(completed: int, **extra: Any) -> dict[str, Any]:
    return {"type": "leading_firm_investment", "date": DAY, "schedule_met": True,
            "paid_in_capital": 300_000_000 * YUAN, "completed_investment": completed, **extra}


def _talent(level: str, day: dt.date = DAY, price: int = 20_000 * YUAN,
            **extra: Any) -> dict[str, Any]:
    return {"type": "talent_recognition", "date": day, "level": level,
            "housing_price_per_m2": price, **extra}


def _prize(rank: int, settles: bool = True, day: dt.date = DAY,
           **extra: Any) -> dict[str, Any]:
    return {"type": "competition_prize", "date": day, "rank": rank,
            "settles_in_changsha": settles, **extra}


def _discretionary(rule: str, day: dt.date = DAY) -> dict[str, Any]:
    return {"type": "discretionary", "date": day, "rule": rule}


def _standard(level: str, revision: bool | None) -> dict[str, Any]:
    return {"type": "standard_led", "date": DAY, "level": level, "revision": revision}


# One event of each type that pays its own kinds (every rule of the table "Applicant kinds").
EVERY_TYPE: list[dict[str, Any]] = [
    {"type": "annual_revenue", "year": 2020, "amount": 60_000_000 * YUAN},
    _leading(100_000_000 * YUAN),
    _talent("national_leader"),
    {"type": "urgent_talent", "date": DAY, "category": "A"},
    {"type": "civil_military_researcher", "date": DAY, "category": "B"},
    {"type": "civil_military_team_project", "date": DAY},
    _standard("national", None),
    {"type": "project_investment", "date": DAY, "total_investment": 60_000_000 * YUAN,
     "actual_investment": 10_000_000 * YUAN, "project_kind": "new_build"},
    {"type": "ipo_stage", "date": DAY, "stage": "listed"},
    {"type": "platform_construction", "date": DAY, "construction_cost": 1_000_000 * YUAN,
     "major_public_platform": True},
    {"type": "platform_service_fees", "operation_start": D(2019, 9, 1),
     "major_public_platform": True, "fees": [(DAY, 100_000 * YUAN)]},
    {"type": "pk_demo_project", "date": DAY, "rd_investment": 1_000_000 * YUAN,
     "selected": True},
    _prize(2),
    *(_discretionary(rule) for rule in DISCRETIONARY_RULES),
]


def _cases() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    # R1: two investments of one firm, 10% of their sum one fen (or a tenth of one) either
    # side of the 50,000,000 cap; their own matters are ignored.
    for delta in (-10, -5, -1, 0, 1, 10):
        rows += _applicant(f"lead{delta:+d}", [
            _leading(250_000_000 * YUAN, matter="plant-a"),
            _leading(250_000_000 * YUAN + delta)])
    rows += _applicant("lead-three", [_leading(100_000_000 * YUAN),
                                      _leading(300_000_000 * YUAN, date=D(2019, 7, 31)),
                                      _leading(300_000_000 * YUAN, paid_in_capital=1)])
    rows += _applicant("lead-shares-matter", [
        _leading(100_000_000 * YUAN),
        {"type": "project_investment", "date": DAY, "matter": "leading-firm",
         "total_investment": 60_000_000 * YUAN, "actual_investment": 200_000_000 * YUAN,
         "project_kind": "new_build"}])
    # R2: both orders, equal levels (then the date, then the index), the higher one outside
    # the validity window or in the future.
    rows += _applicant("talent-up", [_talent("provincial_municipal_leader", D(2019, 9, 1)),
                                     _talent("national_leader", D(2021, 3, 1))], kind="person")
    rows += _applicant("talent-down", [_talent("international_top", D(2021, 3, 1)),
                                       _talent("national_leader", D(2019, 9, 1))],
                       kind="person")
    rows += _applicant("talent-equal-dates", [
        _talent("national_leader", D(2021, 3, 1), price=30_000 * YUAN),
        _talent("national_leader", D(2020, 3, 1), price=10_000 * YUAN)], kind="person")
    rows += _applicant("talent-equal-index", [
        _talent("national_leader", DAY, price=30_000 * YUAN),
        _talent("national_leader", DAY, price=10_000 * YUAN)], kind="person")
    rows += _applicant("talent-higher-outside", [
        _talent("international_top", D(2019, 7, 31)),
        _talent("provincial_municipal_leader", DAY)], kind="person")
    rows += _applicant("talent-higher-future", [
        _talent("international_top", D(2023, 3, 1)),
        _talent("provincial_municipal_leader", DAY)], kind="person")
    rows += _applicant("talent-and-urgent", [
        _talent("national_leader"), {"type": "urgent_talent", "date": DAY, "category": "A"},
        _talent("national_leader", D(2021, 1, 1))], kind="person")
    rows += _applicant("talent-matter-named", [
        _talent("international_top"),
        {"type": "urgent_talent", "date": DAY, "category": "C", "matter": "talent"}],
        kind="person")
    # R3: two settling prizes, one not settling, equal ranks, the 一事一议 cap with and
    # without a standard settlement, and with the settlement excluded by 就高不就低.
    rows += _applicant("prize-two", [_prize(3), _prize(1, day=D(2021, 1, 1))], kind="team")
    rows += _applicant("prize-equal", [_prize(2, day=D(2021, 1, 1)), _prize(2)], kind="team")
    rows += _applicant("prize-not-settling", [_prize(1, settles=False), _prize(3)])
    rows += _applicant("prize-outside", [_prize(1, day=D(2022, 8, 1)), _prize(2)],
                       cybersecurity_business=False)
    rows += _applicant("exceptional-with", [
        _prize(1), _discretionary("P10.exceptional_settlement"), _prize(2)])
    rows += _applicant("exceptional-without", [
        _prize(1, settles=False), _discretionary("P10.exceptional_settlement")])
    rows += _applicant("exceptional-alone", [
        _discretionary("P10.exceptional_settlement", D(2022, 8, 1)),
        _discretionary("P10.exceptional_settlement")], kind="team", credit_code=None)
    rows += _applicant("exceptional-excluded", [
        _prize(1), _discretionary("P10.exceptional_settlement"),
        {"type": "project_investment", "date": DAY, "matter": "settlement",
         "total_investment": 60_000_000 * YUAN, "actual_investment": 100_000_000 * YUAN,
         "project_kind": "new_build"}])
    # R4: every type for every kind; the reason order around applicant_kind.
    for kind in KINDS:
        code = None if kind in ("person", "team") else CODE
        rows += _applicant(f"kind-{kind}", EVERY_TYPE, kind=kind, credit_code=code)
        rows += _applicant(f"kind-{kind}-out", EVERY_TYPE, kind=kind, credit_code=code,
                           taxed_in_changsha=False)
    rows += _applicant("order-future", [
        _leading(1, date=D(2023, 1, 1)), _discretionary("P3.cluster_park", D(2023, 1, 1)),
        {"type": "annual_revenue", "year": 2023, "amount": 60_000_000 * YUAN}],
        kind="person", credit_code=None)
    rows += _applicant("order-revenue", [
        {"type": "annual_revenue", "year": 2019, "amount": 60_000_000 * YUAN},
        {"type": "annual_revenue", "year": 2020, "amount": 20_000_000 * YUAN},
        {"type": "annual_revenue", "year": 2021, "amount": 80_000_000 * YUAN}], kind="team")
    rows += _applicant("order-fees", [
        {"type": "platform_service_fees", "operation_start": D(2019, 9, 1),
         "major_public_platform": False,
         "fees": [(D(2023, 1, 1), 100), (D(2019, 7, 1), 200), (DAY, 300)]}], kind="park")
    # R5: local vs national revision; an unsupported level comes first.
    rows += _applicant("standards", [
        _standard(level, revision) for level in ("international", "national", "local", "city")
        for revision in (None, False, True)], kind="institute")
    return rows


CASES = to_frame(_cases(), typed=True)
TEXT_CASES = to_frame(_cases(), typed=False)
AS_OF = D(2022, 12, 31)


@pytest.mark.parametrize("options", ALL_OPTIONS, ids=str)
def test_screen_revision2_edges_match_the_engine(options: Options) -> None:
    assert mismatches(CASES, options) == []


def test_screen_revision2_edges_match_the_engine_read_as_text() -> None:
    assert mismatches(TEXT_CASES, Options(AS_OF, "applicant", "cumulative")) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=registry(focused=True), options=st.sampled_from(ALL_OPTIONS))
def test_screen_random_investments_recognitions_and_prizes_match_the_engine(
        frame: pl.DataFrame, options: Options) -> None:
    """Applicants whose events are all of the types read together (R1-R3), every kind."""
    assert mismatches(frame, options) == []


@functools.cache
def _decisions() -> dict[str, Decision]:
    return kernel(screen_frame(CASES, Options(AS_OF)))


def _of(name: str) -> Decision:
    return _decisions()[name]


def _granted(name: str) -> dict[str, list[tuple[str, str, int]]]:
    """rule -> [(matter, amount, event)] of the granted awards."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    for rule, matter, amount, status, _, event, _ in _of(name)["awards"]:
        if status == "granted":
            out.setdefault(rule, []).append((matter, amount, event))
    return out


def _refused(name: str) -> set[tuple[int, str, str]]:
    return set(_of(name)["ineligible"])


@pytest.mark.parametrize(("name", "want"), [
    ("lead-10", "49999999.99"), ("lead-5", "50000000.00"), ("lead-1", "50000000.00"),
    ("lead+0", "50000000.00"), ("lead+1", "50000000.00"), ("lead+10", "50000000.00"),
    ("lead-three", "10000000.00"),
])
def test_screen_leading_firm_shares_one_cap(name: str, want: str) -> None:
    assert _granted(name)["P4.leading_firm"] == [("leading-firm", want, 0)]


def test_screen_leading_firm_matter_is_shared_with_an_event_naming_it() -> None:
    awards = _of("lead-shares-matter")["awards"]
    # 就高不就低 in matter leading-firm: 10,000,000 (二(四)) against 5,000,000 (二(七)).
    assert [(a[0], a[1], a[3]) for a in awards] == [
        ("P4.leading_firm", "leading-firm", "granted"),
        ("P7.project", "leading-firm", "excluded")]


@pytest.mark.parametrize(("name", "event", "reward", "housing"), [
    ("talent-up", 1, "1500000.00", "3000000.00"),  # national: 150 m² × 20,000
    ("talent-down", 0, "2000000.00", "4000000.00"),
    ("talent-equal-dates", 1, "1500000.00", "1500000.00"),  # the earlier, at its price
    ("talent-equal-index", 0, "1500000.00", "4500000.00"),
    ("talent-higher-outside", 1, "1000000.00", "2000000.00"),
    ("talent-higher-future", 1, "1000000.00", "2000000.00"),
])
def test_screen_talent_is_rewarded_once_at_the_highest_level(
        name: str, event: int, reward: str, housing: str) -> None:
    granted = _granted(name)
    assert granted["P5.talent_reward"] == [("talent", reward, event)]
    assert granted["P5.housing"] == [("talent", housing, event)]
    other = 1 - event
    recognised = {(other, rule, "already_recognised")
                  for rule in ("P5.talent_reward", "P5.housing")}
    assert recognised <= _refused(name) or name.startswith("talent-higher")


def test_screen_talent_refused_by_a_gate_is_not_already_recognised() -> None:
    assert (0, "P5.talent_reward", "outside_validity") in _refused("talent-higher-outside")
    assert (0, "P5.housing", "future_event") in _refused("talent-higher-future")
    assert not any(r == "already_recognised" for _, _, r in _refused("talent-higher-future"))


def test_screen_urgent_talent_stacks_beside_the_recognition() -> None:
    granted = _granted("talent-and-urgent")
    assert granted["P5.urgent_talent"] == [("event-1", "500000.00", 1)]
    assert (2, "P5.housing", "already_recognised") in _refused("talent-and-urgent")


@pytest.mark.parametrize(("name", "event", "amount", "others"), [
    ("prize-two", 1, "3000000.00", [0]),
    ("prize-equal", 1, "2000000.00", [0]),
    ("prize-not-settling", 1, "1000000.00", []),
    ("prize-outside", 1, "2000000.00", []),
])
def test_screen_settlement_is_paid_once_for_the_best_rank(
        name: str, event: int, amount: str, others: list[int]) -> None:
    assert _granted(name)["P10.settlement"] == [("settlement", amount, event)]
    assert {e for e, rule, reason in _refused(name) if reason == "already_settled"} == \
        set(others)
    assert len(_granted(name)["P10.prize"]) == 2 - name.count("outside")


@pytest.mark.parametrize(("name", "cap"), [
    ("exceptional-with", "7000000.00"),  # 10,000,000 less the first prize's 3,000,000
    ("exceptional-without", "10000000.00"),
    ("exceptional-alone", "10000000.00"),
    ("exceptional-excluded", "10000000.00"),  # the settlement lost to 二(七)
])
def test_screen_exceptional_settlement_cap_less_the_settlement_granted(
        name: str, cap: str) -> None:
    items = _of(name)["discretionary"]
    assert [(rule, c) for rule, _, c, _ in items] == [("P10.exceptional_settlement", cap)]


@pytest.mark.parametrize("kind", KINDS)
def test_screen_every_rule_pays_only_the_kinds_its_clause_names(kind: str) -> None:
    for name in (f"kind-{kind}", f"kind-{kind}-out"):
        awarded = {a[0] for a in _of(name)["awards"]}
        listed = {d[0] for d in _of(name)["discretionary"]}
        wrong = {rule for _, rule, reason in _refused(name) if reason == "applicant_kind"}
        for rule, kinds in zip(RULES, RULE_KINDS, strict=True):
            pays = kind in kinds
            discretionary = rule in DISCRETIONARY_RULES
            if pays and (not name.endswith("-out") or rule.startswith("P10.")):
                assert rule in (listed if discretionary else awarded), (name, rule)
            assert (rule in wrong) == (not pays and not discretionary), (name, rule)
            if not pays:
                assert rule not in awarded | listed, (name, rule)


def test_screen_reason_order_puts_applicant_kind_after_future_event() -> None:
    assert _refused("order-future") == {(0, "P4.leading_firm", "future_event"),
                                        (1, "P3.cluster_park", "future_event"),
                                        (2, "P4.milestone", "future_event")}
    # A year that newly reaches a threshold is refused for the kind; one that reaches
    # nothing new gives no entry.
    assert _refused("order-revenue") == {(0, "P4.milestone", "applicant_kind"),
                                         (2, "P4.milestone", "applicant_kind")}
    assert _refused("order-fees") == {(0, "P2.service_fees", "future_event")}


def test_screen_local_standards_are_rewarded_for_drafting_only() -> None:
    refused = _refused("standards")
    granted = sorted(e for _, _, e in _granted("standards")["P6.standard"])
    assert granted == [0, 1, 2, 3, 4, 5, 6, 7]
    assert (8, "P6.standard", "local_revision") in refused
    assert {e for e, _, r in refused if r == "unsupported_level"} == {9, 10, 11}


# --- the optional `revision` column ---------------------------------------------------------

def _standards(revision: list[Any], dtype: Any) -> pl.DataFrame:
    rows = _applicant("S", [_standard("local", None) for _ in revision], kind="institute")
    frame = to_frame(rows, typed=False).drop("revision")
    return frame.with_columns(pl.Series("revision", revision, dtype))


def test_screen_revision_is_read_in_any_case_and_empty_is_false() -> None:
    frame = _standards(["TRUE", "false", None, None, "True"], pl.String)
    refused = kernel(screen_frame(frame, Options(AS_OF)))["S"]["ineligible"]
    assert refused == [(0, "P6.standard", "local_revision"),
                       (4, "P6.standard", "local_revision")]
    typed = _standards([True, False, None, None, True], pl.Boolean)
    assert kernel(screen_frame(typed, Options(AS_OF)))["S"]["ineligible"] == refused
    # Without the column every standard is drafted.
    plain = kernel(screen_frame(frame.drop("revision"), Options(AS_OF)))["S"]
    assert plain["ineligible"] == [] and plain["total"] == "250000.00"


@pytest.mark.parametrize(("cells", "dtype", "problem"), [
    (["maybe", "true"], pl.String, "row 1, revision: 'maybe' must be true or false"),
    ([1, 0], pl.Int64, "revision: has type Int64, which cannot hold a bool"),
])
def test_screen_revision_that_is_not_a_boolean_is_refused(
        cells: list[Any], dtype: Any, problem: str) -> None:
    with pytest.raises(ScreenInputError) as refused:
        screen_frame(_standards(cells, dtype), Options(AS_OF))
    assert problem in "\n".join(refused.value.lines())


def test_screen_revision_outside_a_standard_is_ignored() -> None:
    rows = _applicant("P", [_talent("national_leader", revision="maybe")], kind="person")
    frame = to_frame(rows, typed=False)
    assert kernel(screen_frame(frame, Options(AS_OF)))["P"]["total"] == "4500000.00"
