"""One matter, one claim, one payment (issue 20; issue 17's workflow readings): the
constraint behind the duplicate check, the refusal naming the existing application, the
same claim paid once (top-ups of talent and settlement awards), approved amounts in
就高不就低, the applicant kind refused at submission, and ledger_check's cross-check."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client

from policyhub.applications import funds, services
from policyhub.applications.checks import double_payments
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application
from policyhub.ledger.models import Commitment, JournalEntry
from policyhub.registry.models import Organisation, Person, RegistryEvent, Team
from tests.applications.helpers import (
    AFTER_NOTICE,
    DAY,
    draft,
    fund,
    move,
    pk_demo,
    talent_person,
    to_notice,
)
from tests.personas import Personas, personas, user

pytestmark = pytest.mark.django_db

URGENT = [{"type": "urgent_talent", "date": "2020-05-01", "category": "A",
           "matter": "urgent-1"}]  # 二(五) 500,000
STANDARD = [{"type": "standard_led", "date": "2020-05-10", "level": "local",
             "matter": "std-1"}]  # 二(六) 50,000


def _hrss() -> Any:
    from policyhub.accounts.models import Role

    return user("hrss_reviewer", Role.DEPARTMENT_REVIEWER, unit_code="hrss")


def _to_paid(p: Personas, app: Application, department: Any) -> Application:
    app = move(move(app, "submit", p.applicant), "accept", p.park_officer)
    app = move(move(app, "review", department), "final_review", p.bureau_officer)
    app = move(app, "approve", p.bureau_officer, on=AFTER_NOTICE)
    return move(app, "pay", p.finance, on=AFTER_NOTICE)


def _case(p: Personas, case: str) -> tuple[Organisation | Person, str, str,
                                           list[dict[str, Any]], Any]:
    """The issue's two pairs: talent 黄静凯's urgent-talent award, 青松创想's standard."""
    if case == "urgent_talent":
        return (talent_person(p, "黄静凯"), "P5.urgent_talent", "urgent-1", URGENT, _hrss())
    return p.org, "P6.standard", "std-1", STANDARD, p.reviewer


def _twin(app: Application, state: str) -> Application:
    """What two simultaneous creations left behind before the constraint: a second
    application of the same claim, with the same amounts, in `state`."""
    twin = Application.objects.get(pk=app.pk)
    twin.pk = None
    twin.state = state
    twin.notice_starts_on, twin.notice_ends_on = DAY, dt.date(2021, 6, 15)
    twin.save(force_insert=True)
    return twin


# --- the constraint and the refusal naming what exists ------------------------------------


def test_the_database_refuses_a_second_live_application_of_one_claim() -> None:
    p = personas()
    first = draft(p)
    with pytest.raises(IntegrityError), transaction.atomic():
        _twin(first, "submitted")
    # Not live any more (withdrawn): a new application of the claim may exist.
    move(first, "withdraw", p.applicant)
    assert _twin(first, "draft").pk != first.pk


def test_a_duplicate_that_gets_past_the_check_is_refused_with_the_existing_number(
        monkeypatch: pytest.MonkeyPatch) -> None:
    p = personas()
    first = draft(p)
    real = services._duplicate
    calls: list[int] = []

    def racing(*args: Any) -> Refused | None:  # the check misses it once, as a race would
        calls.append(1)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_duplicate", racing)
    with pytest.raises(Refused) as refused:
        draft(p)
    assert f"编号{first.pk}" in refused.value.reason and refused.value.status == 422
    assert Application.objects.count() == 1


def test_the_api_answers_a_duplicate_with_422_and_the_existing_number() -> None:
    p = personas()
    c = Client()
    c.force_login(p.applicant)
    body = {"organisation_id": p.org.pk, "rule": "P9.pk_demo", "matter": "proj-1",
            "events": pk_demo()}
    first = c.post("/api/v1/applications/", json.dumps(body), content_type="application/json")
    again = c.post("/api/v1/applications/", json.dumps(body), content_type="application/json")
    assert first.status_code == 201
    assert again.status_code == 422 and f"编号{first.json()['id']}" in again.json()["detail"]


def test_an_appeal_is_refused_while_a_new_application_of_the_claim_is_live() -> None:
    p = personas()
    old = move(move(draft(p), "submit", p.applicant), "refuse", p.park_officer, reason="材料不全")
    new = draft(p)
    with pytest.raises(Refused, match=f"编号{new.pk}"):
        move(old, "appeal", p.applicant, reason="材料已齐全")
    old.refresh_from_db()
    assert old.state == "refused"


def test_confirming_a_proposal_twice_returns_the_first_application() -> None:
    from policyhub.applications.models import Proposal
    from tests.applications.helpers import project

    p = personas()
    proposal = Proposal.objects.create(
        organisation=p.org, rule="P7.project", clause="二(七)", matter="proj-1",
        amount="2000000.00", ceiling=True, run="t", events=project())
    first, created = services.confirm(proposal, p.applicant, on=DAY)
    stale = Proposal.objects.get(pk=proposal.pk)
    stale.status = Proposal.Status.OPEN  # a second tab still showing it open
    again, created_again = services.confirm(stale, p.applicant, on=DAY)
    assert created and not created_again and again.pk == first.pk
    assert Application.objects.count() == 1


# --- the same claim is paid once ---------------------------------------------------------


@pytest.mark.parametrize("case", ["urgent_talent", "standard"])
def test_the_second_application_of_a_paid_pair_is_never_paid(case: str) -> None:
    """Issue 20: both applications of a pair created at once were paid (2 × 500,000 to
    黄静凯, 2 × 50,000 to 青松创想). The twin the race left is refused at approval."""
    p = personas()
    fund(p)
    applicant, rule, matter, events, department = _case(p, case)
    first = services.apply(applicant, rule, matter, p.applicant, events=events, on=DAY)
    first = _to_paid(p, first, department)
    twin = _twin(first, "notice")
    with pytest.raises(Refused) as refused:
        move(twin, "approve", p.bureau_officer, on=AFTER_NOTICE)
    assert f"编号{first.pk}" in refused.value.reason and "不再拨付" in refused.value.reason
    assert Commitment.objects.count() == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.PAYMENT).count() == 1
    move(twin, "withdraw", p.applicant, on=AFTER_NOTICE)
    with pytest.raises(Refused, match="不再拨付"):  # nor can it be applied for again
        services.apply(applicant, rule, matter, p.applicant, events=events, on=DAY)
    assert double_payments() == []


def test_ledger_check_names_a_matter_paid_twice_behind_the_workflow() -> None:
    p = personas()
    fund(p)
    applicant, rule, matter, events, department = _case(p, "urgent_talent")
    first = _to_paid(p, services.apply(applicant, rule, matter, p.applicant, events=events,
                                       on=DAY), department)
    twin = _twin(first, "approved")
    funds.commit(twin, Decimal("500000.00"), 2021, p.bureau_officer)  # as the race paid it
    funds.pay(twin, Decimal("500000.00"), p.finance)
    [problem] = double_payments()
    assert "黄静凯" in problem and "paid 2 times" in problem and "1000000.00" in problem
    with pytest.raises(CommandError, match="paid 2 times"):
        call_command("ledger_check")


def test_a_matter_paid_under_two_clauses_is_named_by_ledger_check() -> None:
    p = personas()
    fund(p)
    app = move(to_notice(p, draft(p)), "approve", p.bureau_officer, on=AFTER_NOTICE)
    move(app, "pay", p.finance, on=AFTER_NOTICE)
    other = draft(p, rule="P9.pk_demo", events=pk_demo(), matter="proj-1")
    Application.objects.filter(pk=other.pk).update(state="approved",
                                                   approved_amount=Decimal("300000.00"))
    other.refresh_from_db()
    funds.commit(other, Decimal("300000.00"), 2021, p.bureau_officer)
    funds.pay(other, Decimal("300000.00"), p.finance)
    [problem] = double_payments()
    assert "2 clauses" in problem and "二(七)" in problem and "二(九)" in problem


def _recognition(level: str, day: str) -> list[dict[str, Any]]:
    return [{"type": "talent_recognition", "date": day, "level": level,
             "housing_price_per_m2": "10000", "matter": "talent"}]


def test_a_later_higher_talent_level_pays_only_the_difference() -> None:
    """R2 with 三(一): a talent is rewarded once, at the highest level recognised. Paid at the
    provincial level (1,000,000), a national recognition (1,500,000) pays 500,000 more."""
    p = personas()
    fund(p)
    star, hrss = talent_person(p), _hrss()
    first = services.apply(star, "P5.talent_reward", "talent", p.applicant,
                           events=_recognition("provincial_municipal_leader", "2019-10-01"),
                           on=DAY)
    first = _to_paid(p, first, hrss)
    assert first.approved_amount == Decimal("1000000.00")
    higher = services.apply(star, "P5.talent_reward", "talent", p.applicant,
                            events=_recognition("national_leader", "2021-03-01"), on=DAY)
    assert higher.entitled_amount == Decimal("500000.00")
    assert "差额500000.00元" in higher.explanation and f"编号{first.pk}" in higher.explanation
    higher = move(move(higher, "submit", p.applicant), "accept", p.park_officer)
    with pytest.raises(Refused, match="超过政策引擎"):  # the reviewer cannot pay it in full
        move(higher, "review", hrss, amount=Decimal("1500000.00"))
    higher = move(move(higher, "review", hrss), "final_review", p.bureau_officer)
    higher = move(move(higher, "approve", p.bureau_officer, on=AFTER_NOTICE), "pay",
                  p.finance, on=AFTER_NOTICE)
    assert higher.approved_amount == Decimal("500000.00")
    assert higher.decision["paid_before"] == "1000000.00"
    assert double_payments() == []
    with pytest.raises(Refused, match="不高于已拨付金额"):  # the same level again: nothing
        services.apply(star, "P5.talent_reward", "talent", p.applicant,
                       events=_recognition("national_leader", "2021-04-01"), on=DAY)


def _settling_prize(rank: int, day: str, matter: str) -> list[dict[str, Any]]:
    return [{"type": "competition_prize", "date": day, "rank": rank,
             "settles_in_changsha": True, "matter": matter}]


def test_a_settlement_paid_once_is_topped_up_by_a_better_rank_only() -> None:
    """R3: a winner settles once; a better-ranked settling prize later pays the difference
    between the two settlement awards (3,000,000 − 1,000,000), never both."""
    p = personas()
    fund(p, amount="50000000")
    crew = Team.objects.create(name="星盾战队", leader=talent_person(p, "李四"))
    from policyhub.accounts.models import Role

    cac = user("cac_reviewer", Role.DEPARTMENT_REVIEWER, unit_code="cac")
    first = services.apply(crew, "P10.settlement", "settlement", p.applicant,
                           events=_settling_prize(3, "2020-11-28", "prize-3"), on=DAY)
    first = _to_paid(p, first, cac)
    assert first.approved_amount == Decimal("1000000.00")
    better = services.apply(crew, "P10.settlement", "settlement", p.applicant,
                            events=_settling_prize(1, "2021-05-20", "prize-1"), on=DAY)
    assert better.entitled_amount == Decimal("2000000.00")
    better = _to_paid(p, better, cac)
    assert better.approved_amount == Decimal("2000000.00") and double_payments() == []
    with pytest.raises(Refused, match="不再拨付"):
        services.apply(crew, "P10.settlement", "settlement", p.applicant,
                       events=_settling_prize(2, "2021-05-21", "prize-2"), on=DAY)


def test_a_paid_ceiling_is_not_applied_for_again() -> None:
    p = personas()
    fund(p)
    app = move(to_notice(p, draft(p), Decimal("1000000.00")), "approve", p.bureau_officer,
               on=AFTER_NOTICE)
    move(app, "pay", p.finance, on=AFTER_NOTICE)
    with pytest.raises(Refused, match="金额已经审核确定"):
        draft(p)


# --- 就高不就低 with approved amounts ---------------------------------------------------------


def _registry_rivals(org: Organisation) -> None:
    """A 二(七) project (ceiling 2,000,000) and a 二(九) demonstration (300,000) of one
    matter, both in the registry: the engine compares the ceiling at face value."""
    RegistryEvent.objects.create(organisation=org, type="project_investment",
                                 date=dt.date(2020, 5, 1), matter="proj-1",
                                 payload={"total_investment": "60000000",
                                          "actual_investment": "20000000",
                                          "kind": "new_build"})
    RegistryEvent.objects.create(organisation=org, type="pk_demo_project",
                                 date=dt.date(2020, 6, 1), matter="proj-1",
                                 payload={"rd_investment": "1000000", "selected": True})


def test_a_ceiling_competes_at_face_value_until_a_reviewer_fixes_it() -> None:
    p = personas()
    fund(p)
    _registry_rivals(p.org)
    demo = move(move(draft(p, rule="P9.pk_demo", events=[]), "submit", p.applicant),
                "accept", p.park_officer)
    with pytest.raises(Refused, match="就高不就低"):  # 2,000,000 (face) beats 300,000
        move(demo, "review", p.reviewer)
    project = move(move(draft(p, events=[]), "submit", p.applicant), "accept", p.park_officer)
    move(project, "review", p.reviewer, amount=Decimal("200000.00"))  # fixed below 300,000
    demo = move(demo, "review", p.reviewer)
    assert demo.entitled_amount == Decimal("300000.00") and "重新比较" in demo.explanation
    demo = move(move(demo, "final_review", p.bureau_officer), "approve", p.bureau_officer,
                on=AFTER_NOTICE)
    project.refresh_from_db()
    assert demo.state == "approved" and project.state == "superseded"


# --- R4: who may receive each award ---------------------------------------------------------


def test_a_rule_the_applicant_kind_may_not_receive_is_refused_with_the_clause() -> None:
    p = personas()
    with pytest.raises(Refused) as refused:  # 二(五) urgent talents are people, not firms
        draft(p, rule="P5.urgent_talent", matter="urgent-1", events=URGENT)
    assert "二(五)" in refused.value.reason and "企业" in refused.value.reason
    assert "不属于该项支持对象" in refused.value.reason


def test_a_draft_whose_applicant_kind_changed_is_refused_at_submission() -> None:
    p = personas()
    app = draft(p, rule="P6.standard", matter="std-1", events=STANDARD)
    Organisation.objects.filter(pk=p.org.pk).update(kind=Organisation.Kind.PARK)
    with pytest.raises(Refused, match=r"二\(六\).*园区"):
        move(app, "submit", p.applicant)
    app.refresh_from_db()
    assert app.state == "draft"


def test_the_case_by_case_settlement_award_replaces_the_standard_one() -> None:
    """R3 "其中…一事一议…落户奖励" across applications: the standard settlement paid
    (1,000,000) comes off the 10,000,000 cap of the case-by-case one; and once a case-by-case
    award is approved, a standard settlement application is refused."""
    p = personas()
    fund(p, amount="50000000")
    from policyhub.accounts.models import Role

    cac = user("cac_reviewer", Role.DEPARTMENT_REVIEWER, unit_code="cac")
    crew = Team.objects.create(name="星盾战队", leader=talent_person(p, "李四"))
    _to_paid(p, services.apply(crew, "P10.settlement", "settlement", p.applicant,
                               events=_settling_prize(3, "2020-11-28", "prize-3"), on=DAY), cac)
    case = services.apply(crew, "P10.exceptional_settlement", "exc-1", p.applicant,
                          events=[{"type": "discretionary", "date": "2021-05-01",
                                   "rule": "P10.exceptional_settlement", "matter": "exc-1"}],
                          on=DAY)
    assert case.discretionary and case.cap == Decimal("9000000.00")
    case = move(move(case, "submit", p.applicant), "accept", p.park_officer)
    decide = {"meeting_ref": "会〔2021〕9号", "meeting_date": DAY, "members": ["甲", "乙"]}
    with pytest.raises(Refused, match=r"超过政策文件上限9000000\.00"):
        services.record_committee_decision(case, p.bureau_officer,
                                           amount=Decimal("9000000.01"), on=DAY, **decide)
    services.record_committee_decision(case, p.bureau_officer, amount=Decimal("9000000.00"),
                                       on=DAY, **decide)
    case = move(move(case, "review", cac), "final_review", p.bureau_officer)
    move(case, "approve", p.bureau_officer, on=AFTER_NOTICE)
    with pytest.raises(Refused, match="替代标准落户支持"):
        services.apply(crew, "P10.settlement", "settlement", p.applicant,
                       events=_settling_prize(1, "2021-05-20", "prize-1"), on=DAY)
