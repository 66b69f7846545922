"""transition() and friends: the workflow end to end, amounts, notice, 就高不就低, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from policyhub.accounts.models import Role
from policyhub.applications import config, notices, services
from policyhub.applications.errors import Refused
from policyhub.applications.models import (
    Application,
    CommitteeDecision,
    Objection,
    TransitionRecord,
)
from policyhub.audit.models import AuditEntry
from policyhub.ledger.models import Commitment
from policyhub.ledger.services import available
from tests.applications.helpers import (
    AFTER_NOTICE,
    CEILING,
    DAY,
    draft,
    fund,
    leader_draft,
    move,
    pk_demo,
    project,
    to_notice,
)
from tests.personas import Personas, organisation, personas, user

pytestmark = pytest.mark.django_db


def test_it_takes_an_application_from_draft_to_paid() -> None:
    p = personas()
    fund(p)
    app = to_notice(p, draft(p), amount=Decimal("1500000.00"))
    assert app.notice_ends_on == dt.date(2021, 6, 15)
    app = move(app, "approve", p.bureau_officer, on=AFTER_NOTICE)
    assert Commitment.objects.filter(award_key=f"award-{app.pk}").exists()
    app = move(app, "pay", p.finance, on=AFTER_NOTICE)
    assert app.state == "paid" and app.approved_amount == Decimal("1500000.00")
    steps = [r.name for r in TransitionRecord.objects.filter(application=app)]
    assert steps == ["create", "submit", "accept", "review", "final_review", "approve", "pay"]
    roles = [r.role for r in app.history.all()][1:]
    assert roles == ["applicant", "park_officer", "department_reviewer", "bureau_officer",
                     "bureau_officer", "finance_officer"]
    assert available(2021) == Decimal("40000000.00") - Decimal("1500000.00")


def test_each_decision_step_snapshots_the_engine_decision_with_its_day() -> None:
    p = personas()
    app = to_notice(p, draft(p))
    review = app.history.get(name="review")
    assert review.decision["as_of"] == DAY.isoformat()
    assert review.decision["amount"] == str(CEILING) and review.decision["ceiling"] is True
    assert "二(七)" in review.decision["explanation"]


def test_it_returns_for_correction_and_takes_the_resubmission() -> None:
    p = personas()
    app = move(draft(p), "submit", p.applicant)
    app = move(app, "return", p.park_officer, reason="缺少项目备案证明")
    assert app.state == "returned"
    app = move(app, "submit", p.applicant)
    assert app.state == "submitted"


def test_refusal_requires_a_reason_and_cites_the_clause() -> None:
    p = personas()
    app = move(move(draft(p), "submit", p.applicant), "accept", p.park_officer)
    with pytest.raises(Refused, match="必须填写理由"):
        move(app, "refuse", p.reviewer, reason="  ")
    app = move(app, "refuse", p.reviewer, reason="项目未按期开工")
    last = app.history.last()
    assert last is not None and "项目未按期开工" in last.reason
    assert "《长沙市加快网络安全产业发展若干政策》二(七)" in last.reason


def test_an_objection_is_recorded_and_the_notice_goes_on() -> None:
    p = personas()
    app = to_notice(p, draft(p))
    rival = user("rival", Role.APPLICANT, org=organisation("长沙某竞争企业有限公司"))
    app = move(app, "object", rival, reason="该项目实际投入不实", on=dt.date(2021, 6, 9))
    assert app.state == "notice" and app.notice_ends_on == dt.date(2021, 6, 15)
    assert Objection.objects.get(application=app).text == "该项目实际投入不实"
    assert [o.pk for o in services.pending_objections(app)] == [Objection.objects.get().pk]


def test_each_user_objects_once_per_notice_and_stalls_nothing() -> None:
    p = personas()
    app = to_notice(p, draft(p))
    rival = user("rival", Role.APPLICANT, org=organisation("长沙某竞争企业有限公司"))
    move(app, "object", rival, reason="第一次异议", on=dt.date(2021, 6, 9))
    with pytest.raises(Refused, match="每次公示只能提出一次"):
        move(app, "object", rival, reason="再次异议", on=dt.date(2021, 6, 10))
    assert Objection.objects.count() == 1
    # Unanswered, it holds approval; answered, approval goes ahead on time.
    with pytest.raises(Refused, match="异议1件尚未处理"):
        move(app, "approve", p.bureau_officer, on=AFTER_NOTICE)
    app = move(app, "dismiss_objection", p.bureau_officer, reason="经核查，投资额有审计报告佐证",
               on=dt.date(2021, 6, 11))
    assert app.state == "notice" and not services.pending_objections(app).exists()
    with pytest.raises(Refused, match="没有待处理的异议"):
        move(app, "dismiss_objection", p.bureau_officer, reason="再答复", on=dt.date(2021, 6, 11))
    with pytest.raises(Refused, match="每次公示只能提出一次"):
        move(app, "object", rival, reason="答复后再次异议", on=dt.date(2021, 6, 12))
    fund(p)
    app = move(app, "approve", p.bureau_officer, on=AFTER_NOTICE)
    assert app.state == "approved"
    assert notices.letter(app).objected  # the letter may not say 公示无异议


def test_an_objection_upheld_sends_it_back_to_department_review() -> None:
    p = personas()
    app = to_notice(p, draft(p))
    rival = user("rival", Role.APPLICANT, org=organisation("长沙某竞争企业有限公司"))
    move(app, "object", rival, reason="设备采购早于政策有效期", on=dt.date(2021, 6, 9))
    app = move(app, "reopen", p.bureau_officer, reason="异议属实，重新审核投资额",
               on=dt.date(2021, 6, 10))
    assert app.state == "accepted" and app.notice_ends_on is None
    last = app.history.last()
    assert last is not None and last.role == "bureau_officer" and "异议属实" in last.reason
    # A new notice is a new one: the same rival may object to it once more.
    app = move(app, "review", p.reviewer, on=dt.date(2021, 6, 11))
    app = move(app, "final_review", p.bureau_officer, on=dt.date(2021, 6, 11))
    move(app, "object", rival, reason="仍有异议", on=dt.date(2021, 6, 15))
    assert Objection.objects.count() == 2


def test_an_objection_after_the_notice_ended_is_refused() -> None:
    p = personas()
    app = to_notice(p, draft(p))
    with pytest.raises(Refused, match="公示期已于2021-06-15结束"):
        move(app, "object", user("rival", Role.APPLICANT, org=organisation("他方企业")),
             reason="迟到的异议", on=AFTER_NOTICE)


def test_it_cannot_be_approved_before_the_notice_ends() -> None:
    p = personas()
    fund(p)
    app = to_notice(p, draft(p))
    with pytest.raises(Refused, match="公示期至2021-06-15"):
        move(app, "approve", p.bureau_officer, on=dt.date(2021, 6, 15))
    entry = AuditEntry.objects.filter(action="applications.approve").last()
    assert entry is not None and entry.allowed is False and "公示期" in entry.reason


@pytest.mark.parametrize(("published", "ends"), [
    (dt.date(2021, 6, 4), dt.date(2021, 6, 11)),   # Friday → next Friday
    (dt.date(2021, 6, 7), dt.date(2021, 6, 15)),   # Monday; 端午 Monday 14th skipped
    (dt.date(2021, 6, 5), dt.date(2021, 6, 11)),   # a Saturday publication
    (dt.date(2021, 9, 30), dt.date(2021, 10, 13)),  # 国庆: 10-09 is a 调休 working Saturday
])
def test_the_notice_end_date_skips_weekends_and_holidays(published: dt.date,
                                                         ends: dt.date) -> None:
    assert config.notice_end(published) == ends


def test_the_notice_length_is_a_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    p = personas()
    monkeypatch.setattr(services, "today", lambda: dt.date(2021, 6, 4))  # frozen: a Friday
    app = services.transition(draft(p), "submit", p.applicant)
    app = services.transition(app, "accept", p.park_officer)
    app = services.transition(app, "review", p.reviewer)
    app = services.transition(app, "final_review", p.bureau_officer, notice_days=3)
    assert app.notice_ends_on == dt.date(2021, 6, 9)


def test_a_reviewer_cannot_approve_above_the_ceiling() -> None:
    p = personas()
    app = move(move(draft(p), "submit", p.applicant), "accept", p.park_officer)
    with pytest.raises(Refused, match="超过政策引擎上限") as refused:
        move(app, "review", p.reviewer, amount=CEILING + Decimal("0.01"))
    assert not refused.value.permission
    entry = AuditEntry.objects.filter(action="applications.review").last()
    assert entry is not None and entry.allowed is False
    app = move(app, "review", p.reviewer, amount=CEILING)
    assert app.approved_amount == CEILING


def test_an_amount_is_refused_on_a_move_that_does_not_set_one() -> None:
    p = personas()
    with pytest.raises(Refused, match="不能设定金额"):
        move(move(draft(p), "submit", p.applicant), "accept", p.park_officer, amount=CEILING)


def test_a_discretionary_item_needs_a_committee_decision_within_the_cap() -> None:
    p = personas()
    app = leader_draft(p)
    assert app.discretionary and app.cap == Decimal("10000000.00")
    hrss = _hrss_reviewer()
    app = move(move(app, "submit", p.applicant), "accept", p.park_officer)
    with pytest.raises(Refused, match="须先录入会议决定"):
        move(app, "review", hrss)
    with pytest.raises(Refused, match="超过政策文件上限"):
        _decide(p, app, "10000000.01")
    _decide(p, app, "8000000.00")
    with pytest.raises(Refused, match="以会议决定"):
        move(app, "review", hrss, amount=Decimal("9000000.00"))
    app = move(app, "review", hrss)
    assert app.approved_amount == Decimal("8000000.00")


def test_only_the_bureau_records_a_committee_decision() -> None:
    p = personas()
    app = leader_draft(p)
    with pytest.raises(Refused) as refused:
        services.record_committee_decision(
            app, p.reviewer, meeting_ref="x", meeting_date=DAY, amount=Decimal(1), members=[])
    assert refused.value.permission


def test_the_second_clause_for_a_paid_matter_is_refused_citing_3_1() -> None:
    p = personas()
    fund(p)
    first = draft(p, rule="P9.pk_demo", events=pk_demo())  # 300,000 under 二(九)
    first = to_notice(p, first)
    first = move(move(first, "approve", p.bureau_officer, on=AFTER_NOTICE), "pay", p.finance,
                 on=AFTER_NOTICE)
    second = draft(p, rule="P7.project", events=project())  # same matter under 二(七)
    with pytest.raises(Refused) as refused:
        move(second, "submit", p.applicant)
    assert "就高不就低" in refused.value.reason and "三(一)" in refused.value.reason
    assert f"编号{first.pk}" in refused.value.reason


def test_approving_the_higher_clause_supersedes_the_lower_one() -> None:
    p = personas()
    fund(p)
    lower = move(draft(p, rule="P9.pk_demo", events=pk_demo()), "submit", p.applicant)
    higher = to_notice(p, draft(p, rule="P7.project", events=project()))
    higher = move(higher, "approve", p.bureau_officer, on=AFTER_NOTICE)
    lower.refresh_from_db()
    assert lower.state == "superseded"
    row = lower.history.last()
    assert row is not None and row.actor is None and row.role == "system"
    assert "就高不就低" in row.reason and "二(七)" in row.reason
    with pytest.raises(Refused, match="就高不就低"):  # and the lower one cannot jump ahead
        move(draft(p, rule="P9.pk_demo", events=pk_demo()), "submit", p.applicant)


def test_refusing_after_approval_releases_the_commitment() -> None:
    p = personas()
    fund(p)
    app = move(to_notice(p, draft(p)), "approve", p.bureau_officer, on=AFTER_NOTICE)
    before = available(2021)
    move(app, "refuse", p.bureau_officer, reason="发现重复申报", on=AFTER_NOTICE)
    assert available(2021) == before + CEILING


def test_an_appeal_goes_to_the_bureau_final_review() -> None:
    p = personas()
    app = move(move(draft(p), "submit", p.applicant), "refuse", p.park_officer, reason="材料不全")
    app = move(app, "appeal", p.applicant, reason="材料已齐全，附件见补充")
    assert app.state == "reviewed" and app.appeals.count() == 1


def test_the_engine_is_asked_again_at_each_decision() -> None:
    p = personas()
    app = draft(p, events=project(actual="20000000"))
    app = move(move(app, "submit", p.applicant), "accept", p.park_officer)
    app.events = project(actual="10000000")  # the facts changed after submission
    app.save()
    with pytest.raises(Refused, match=r"超过政策引擎上限1000000\.00"):
        move(app, "review", p.reviewer, amount=CEILING)


def test_every_state_change_is_audited_with_its_amount() -> None:
    p = personas()
    app = move(move(move(draft(p), "submit", p.applicant), "accept", p.park_officer),
               "review", p.reviewer, amount=Decimal("123.45"))
    entry = AuditEntry.objects.filter(action="applications.review").last()
    assert entry is not None and entry.allowed is True
    assert entry.payload["amount"] == "123.45" and entry.payload["target"] == "reviewed"
    assert entry.object_id == str(app.pk)


def _hrss_reviewer() -> User:
    from policyhub.accounts.models import Role
    from tests.personas import user

    return user("hrss_reviewer", Role.DEPARTMENT_REVIEWER, unit_code="hrss")


def _decide(p: Personas, app: Application, amount: str) -> CommitteeDecision:
    return services.record_committee_decision(
        app, p.bureau_officer, meeting_ref="长工信会〔2021〕3号", meeting_date=DAY,
        amount=Decimal(amount), members=["甲", "乙"])
