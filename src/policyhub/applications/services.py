"""The workflow's services: apply, transition, committee decisions, 免申即享 proposals.

`transition()` is the only way an application changes state; web views, the API and the
`application_transition` command call it. It enforces workflow.py's table, the permission
check, the amount rules, 就高不就低 and the notice period, recomputes the engine's decision
at each decision step, moves the money through the ledger and writes the audit trail.
Refusals are raised as `Refused` and audited outside the transaction they undo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db import transaction
from django.db.models import Model

from policyhub import clock, policytext
from policyhub.applications import competition, config, funds, workflow
from policyhub.applications.entitlement import Entitlement, entitlement, snapshot
from policyhub.applications.errors import Refused
from policyhub.applications.models import (
    Appeal,
    Applicant,
    Application,
    CommitteeDecision,
    Objection,
    Proposal,
    TransitionRecord,
    of_applicant,
    owning_organisation,
)
from policyhub.applications.permissions import (
    can_act_for,
    can_apply,
    can_record_decision,
    can_transition,
    owner_id,
    role_for,
)
from policyhub.audit.services import record
from policyhub.engine import meta
from policyhub.units.models import Unit

User = AbstractBaseUser | AnonymousUser
CENT = Decimal("0.01")
# Moves that may only advance an application the engine still grants.
NEEDS_GRANT = ("confirm", "review", "final_review", "approve")


def _uid(actor: User) -> int:
    """The acting user's id (every service is refused to anonymous users first)."""
    if not actor.is_authenticated or actor.pk is None:
        raise Refused("请先登录", permission=True)
    return int(actor.pk)


def today() -> dt.date:
    """The decision day: the application's today (policyhub.clock; tests freeze it by
    patching this function)."""
    return clock.today()


@contextmanager
def _audited_refusal(actor: User | None, action: str, obj: Model | None,
                     **payload: Any) -> Iterator[None]:
    """Run the body in a transaction; a refusal rolls it back and is then audited."""
    try:
        with transaction.atomic():
            yield
    except Refused as exc:
        record(actor, action, obj, allowed=False, reason=exc.reason, **payload)
        raise


# ---------------------------------------------------------------------------------------
# apply


def apply(applicant: Applicant, rule: str, matter: str, actor: User, *,
          events: list[dict[str, Any]] | None = None, requested_amount: Decimal | None = None,
          on: dt.date | None = None) -> Application:
    """A draft application of `applicant` (an organisation, a talent or a team) for
    (rule, matter), with the engine's decision as of `on`.

    Filed by the applicant users of the applicant's organisation (a person's employer, a
    team's leader's) or that organisation's park committee on its behalf; a person or team
    with no organisation is applied for by the industry bureau (permissions.can_apply)."""
    with _audited_refusal(actor, "applications.apply", applicant, rule=rule, matter=matter):
        allowed, why = can_apply(actor, applicant)
        if not allowed:
            raise Refused(why, permission=True)
        app = _create(applicant, rule, matter, actor, events or [], requested_amount, "draft",
                      on or today())
    return app


def _create(applicant: Applicant, rule: str, matter: str, actor: User,
            events: list[dict[str, Any]], requested: Decimal | None, state: str,
            on: dt.date) -> Application:
    try:
        spec = meta.rule(rule)
    except KeyError:
        raise Refused(f"未知的政策规则“{rule}”") from None
    duplicate = Application.objects.filter(**of_applicant(applicant), rule=rule, matter=matter,
                                            state__in=(*competition.COMPETING_STATES, "draft"))
    if duplicate.exists():
        raise Refused(f"该主体已就“{spec.label}”事项“{matter}”提出申报（编号{duplicate[0].pk}）")
    org = owning_organisation(applicant)
    # The park that receives it: the applicant's organisation's (none for a person or team
    # with no organisation: the industry bureau stands in for the park committee).
    app = Application(**of_applicant(applicant), rule=rule, clause=spec.clause,
                      reference=spec.reference, matter=matter, state=state, events=events,
                      requested_amount=requested, park=org.park if org is not None else None,
                      created_by_id=_uid(actor),
                      department=Unit.objects.get(code=config.reviewer_unit(spec.reference)))
    _take(app, entitlement(applicant, rule, matter, events, on))
    app.save()
    TransitionRecord.objects.create(application=app, name="create", source="", target=state,
                                    actor_id=actor.pk, role="", decision=snapshot_of(app))
    record(actor, "applications.apply", app, allowed=True, rule=rule, matter=matter,
           state=state, entitled=app.entitled_amount, requested=requested)
    return app


def _take(app: Application, ent: Entitlement) -> None:
    """Store the engine's latest word on the application."""
    app.entitled_amount = ent.amount
    app.ceiling = ent.ceiling
    app.discretionary = ent.status == "discretionary"
    app.cap = ent.cap
    app.explanation = ent.explanation
    app.decision = snapshot(ent)
    app.decided_as_of = dt.date.fromisoformat(ent.decision["as_of"])


def snapshot_of(app: Application) -> dict[str, Any]:
    return dict(app.decision)


# ---------------------------------------------------------------------------------------
# transition


def transition(application: Application, name: str, actor: User, *, reason: str | None = None,
               amount: Decimal | None = None, on: dt.date | None = None,
               notice_days: int | None = None) -> Application:
    """Make move `name` on `application`, or raise Refused (audited) with the reason.

    `on` is the decision day (default today); `notice_days` overrides notice.yaml."""
    day = on or today()
    with _audited_refusal(actor, f"applications.{name}", application, state=application.state,
                          amount=amount):
        app = Application.objects.select_for_update().get(pk=application.pk)
        allowed, why = can_transition(actor, app, name)
        if not allowed:
            raise Refused(why, permission=True)
        _move(app, name, actor, reason, amount, day, notice_days)
    return app


def _move(app: Application, name: str, actor: User, reason: str | None,
          amount: Decimal | None, day: dt.date, notice_days: int | None) -> None:
    move = workflow.move(name, app.state)
    assert move is not None  # can_transition checked it
    role = role_for(actor, app, move) or ""
    text = _reason(app, move, reason)
    if move.decides:
        _recompute(app, move, day)
    money = _amount(app, move, amount)
    _guard(app, move, day, text)
    _effects(app, move, actor, text, money, day, notice_days)
    _record(app, move, actor, role, text, money)


def _reason(app: Application, move: workflow.Move, reason: str | None) -> str:
    text = (reason or "").strip()
    if move.reason_required and not text:
        raise Refused(f"“{move.zh}”必须填写理由")
    if move.name == "refuse":
        # A refusal always names the clause it was decided under.
        text = f"{text}（申报依据：{policytext.cite(app.reference)}）"
    return text


def _recompute(app: Application, move: workflow.Move, day: dt.date) -> None:
    ent = entitlement(app.applicant, app.rule, app.matter, list(app.events), day)
    _take(app, ent)
    if move.name in NEEDS_GRANT and not ent.granted:
        raise Refused(f"按{day.isoformat()}的登记事实，政策引擎不予核定：{ent.explanation}")


def _amount(app: Application, move: workflow.Move, amount: Decimal | None) -> Decimal | None:
    if not move.sets_amount:
        if amount is not None:
            raise Refused(f"“{move.zh}”环节不能设定金额")
        return app.approved_amount if move.name in ("approve", "pay") else None
    if app.discretionary:
        return _committee_amount(app, amount)
    limit = app.entitled_amount or Decimal(0)
    chosen = amount if amount is not None else (app.approved_amount or limit)
    _check_money(chosen)
    if chosen > limit:
        word = "上限" if app.ceiling else "核定金额"
        raise Refused(f"金额{chosen}元超过政策引擎{word}{limit}元：{app.explanation}")
    return chosen


def _check_money(amount: Decimal) -> None:
    if amount <= 0 or amount != amount.quantize(CENT):
        raise Refused(f"金额{amount}元无效：须为正数，精确到分")


def _committee_amount(app: Application, amount: Decimal | None) -> Decimal:
    decision = app.committee_decisions.order_by("-recorded_at", "-id").first()
    if decision is None:
        raise Refused("一事一议事项须先录入会议决定，金额以会议决定为准")
    if amount is not None and amount != decision.amount:
        raise Refused(f"一事一议金额以会议决定（{decision.meeting_ref}）为准："
                      f"{decision.amount}元，不能改为{amount}元")
    if app.cap is not None and decision.amount > app.cap:
        raise Refused(f"会议决定金额{decision.amount}元超过政策文件上限{app.cap}元")
    return decision.amount


def _guard(app: Application, move: workflow.Move, day: dt.date, text: str) -> None:
    ends = app.notice_ends_on
    if move.name == "approve" and ends is not None and day <= ends:
        raise Refused(f"公示期至{ends.isoformat()}，期满后方可批准")
    if move.name == "object" and ends is not None and day > ends:
        raise Refused(f"公示期已于{ends.isoformat()}结束，不再受理异议")
    if move.name in ("submit", "confirm", "approve"):
        rival = competition.blocking(app, approving=move.name == "approve")
        if rival is not None:
            raise Refused(competition.reason(rival, app))


def _effects(app: Application, move: workflow.Move, actor: User, text: str,
             money: Decimal | None, day: dt.date, notice_days: int | None) -> None:
    if move.sets_amount:
        app.approved_amount = money
    if move.name == "final_review":
        app.notice_starts_on = day
        app.notice_ends_on = config.notice_end(day, notice_days)
    elif move.name == "object":
        Objection.objects.create(application=app, raised_by_id=_uid(actor), text=text)
        app.notice_starts_on = app.notice_ends_on = None
    elif move.name == "appeal":
        Appeal.objects.create(application=app, raised_by_id=_uid(actor), reason=text)
    elif move.name == "approve":
        _commit(app, money, day, actor)
    elif move.name == "pay" and money is not None:
        _fund_call(funds.pay, app, money, actor)
    if move.source in workflow.COMMITTED_STATES and move.target != "paid":
        funds.release(app, actor, text or move.zh)


def _commit(app: Application, money: Decimal | None, day: dt.date, actor: User) -> None:
    if money is None:
        raise Refused("尚未核定金额，不能批准")
    for loser in competition.beaten_by(app):
        _system_move(loser, "supersede", competition.reason(app, loser))
    _fund_call(lambda a, m, u: funds.commit(a, m, day.year, u), app, money, actor)


def _fund_call(fn: Callable[[Application, Decimal, User], None], app: Application,
               money: Decimal, actor: User) -> None:
    try:
        fn(app, money, actor)
    except funds.FundRefused as exc:
        raise Refused(f"专项资金操作被拒绝：{exc}") from exc


def _record(app: Application, move: workflow.Move, actor: User | None, role: str, text: str,
            money: Decimal | None) -> None:
    source = app.state
    app.state = move.target
    app.save()
    TransitionRecord.objects.create(
        application=app, name=move.name, source=source, target=move.target,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        role=role,
        reason=text, amount=money, decision=snapshot_of(app) if move.decides else {})
    record(actor, f"applications.{move.name}", app, allowed=True, reason=text, source=source,
           target=move.target, role=role, amount=money, entitled=app.entitled_amount,
           as_of=app.decided_as_of)


def _system_move(app: Application, name: str, text: str) -> None:
    """A move only the platform makes (就高不就低 supersession)."""
    move = workflow.move(name, app.state)
    assert move is not None and workflow.SYSTEM in move.roles
    if move.source in workflow.COMMITTED_STATES:
        funds.release(app, None, text)
    _record(app, move, None, workflow.SYSTEM, text, None)


# ---------------------------------------------------------------------------------------
# 一事一议 committee decisions


# States whose amount is already fixed: a decision recorded then would change nothing (the
# amount is taken at review and final review; an appeal returns a refusal to final review).
DECISION_CLOSED_STATES = ("notice", "approved", "paid", "withdrawn", "superseded")


def record_committee_decision(app: Application, actor: User, *, meeting_ref: str,
                              meeting_date: dt.date, amount: Decimal, members: list[str],
                              minutes: File[Any] | None = None,
                              on: dt.date | None = None) -> CommitteeDecision:
    """Record the meeting that set a discretionary item's amount (≤ the text's cap), with
    its minutes (会议纪要) when given. The latest decision is the one review takes."""
    day = on or today()
    with _audited_refusal(actor, "applications.committee_decision", app, amount=amount,
                          meeting_ref=meeting_ref):
        allowed, why = can_record_decision(actor, app)
        if not allowed:
            raise Refused(why, permission=True)
        if not app.discretionary:
            raise Refused(f"{app.clause}“{meta.rule(app.rule).label}”不是一事一议事项")
        if app.state in DECISION_CLOSED_STATES:
            raise Refused(f"申报当前状态为“{app.state_label}”，金额已确定，不能再录入会议决定")
        ref = meeting_ref.strip()
        if not ref:
            raise Refused("须填写会议纪要编号")
        if meeting_date > day:
            raise Refused(f"会议日期{meeting_date.isoformat()}晚于今天{day.isoformat()}")
        names = [m.strip() for m in members if m.strip()]
        if not names:
            raise Refused("须列明参会成员")
        _check_money(amount)
        ent = entitlement(app.applicant, app.rule, app.matter, list(app.events), day)
        if ent.cap is not None and amount > ent.cap:
            raise Refused(f"会议决定金额{amount}元超过政策文件上限{ent.cap}元：{ent.explanation}")
        decision = CommitteeDecision(
            application=app, meeting_ref=ref, meeting_date=meeting_date,
            amount=amount, members=names, recorded_by_id=_uid(actor))
        if minutes is not None:
            decision.minutes.save(minutes.name or "minutes", minutes, save=False)
        decision.save()
        record(actor, "applications.committee_decision", app, allowed=True, amount=amount,
               meeting_ref=ref, cap=ent.cap,
               minutes=decision.minutes.name if decision.minutes else "")
    return decision


# ---------------------------------------------------------------------------------------
# 免申即享 proposals


def confirm_proposal(proposal: Proposal, actor: User, *, on: dt.date | None = None
                     ) -> Application:
    """The applicant's one action: the proposal becomes an application awaiting review."""
    day = on or today()
    with _audited_refusal(actor, "applications.confirm_proposal", proposal):
        _open_for(proposal, actor)
        app = _create(proposal.applicant, proposal.rule, proposal.matter, actor,
                      list(proposal.events), None, "proposed", day)
        _move(app, "confirm", actor, None, None, day, None)
        proposal.status, proposal.application = Proposal.Status.CONFIRMED, app
        proposal.save(update_fields=["status", "application"])
    return app


def dismiss_proposal(proposal: Proposal, actor: User, *, reason: str = "") -> Proposal:
    with _audited_refusal(actor, "applications.dismiss_proposal", proposal):
        _open_for(proposal, actor)
        proposal.status = Proposal.Status.DISMISSED
        proposal.save(update_fields=["status"])
        record(actor, "applications.dismiss_proposal", proposal, allowed=True, reason=reason)
    return proposal


def _open_for(proposal: Proposal, actor: User) -> None:
    allowed, why = can_act_for(actor, owner_id(proposal))
    if not allowed:
        raise Refused(why, permission=True)
    if proposal.status != Proposal.Status.OPEN:
        raise Refused(f"该建议已{proposal.get_status_display()}")
