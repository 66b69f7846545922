"""The workflow's services: apply, transition, committee decisions, 免申即享 proposals.

`transition()` is the only way an application changes state; web views, the API and the
`application_transition` command call it. It enforces workflow.py's table, the permission
check, the amount rules, 就高不就低 and the notice period, recomputes the engine's decision
at each decision step, moves the money through the ledger and writes the audit trail.
Refusals are raised as `Refused` and audited outside the transaction they undo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db.models import Model, QuerySet

from policyhub import clock, policytext
from policyhub.applications import competition, concurrency, config, funds, numbering, workflow
from policyhub.applications.entitlement import Entitlement, entitlement, kind_refusal, snapshot
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
T = TypeVar("T")
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


def _audited(actor: User | None, action: str, obj: Model | None, work: Callable[[], T], *,
             duplicate: Callable[[], Refused | None] | None = None, **payload: Any) -> T:
    """Run `work` in one transaction (concurrency.run: retried whole when the database
    aborts it as a deadlock victim); a refusal rolls it back and is then audited."""
    try:
        return concurrency.run(work, duplicate=duplicate)
    except Refused as exc:
        record(actor, action, obj, allowed=False, reason=exc.reason, **payload)
        raise


def _live(applicant: Applicant, rule: str, matter: str) -> Application | None:
    """The live application of (applicant, rule, matter), if any (at most one: the
    constraint one_live_application_*)."""
    return (Application.objects.filter(**of_applicant(applicant), rule=rule, matter=matter,
                                       state__in=workflow.LIVE_STATES).order_by("pk").first())


def _duplicate(applicant: Applicant, rule: str, matter: str) -> Refused | None:
    """The refusal naming the live application of (applicant, rule, matter), if any."""
    found = _live(applicant, rule, matter)
    if found is None:
        return None
    return Refused(f"该主体已就“{meta.rule(rule).label}”事项“{matter}”提出申报"
                   f"（编号{found.pk}，{found.state_label}），同一事项不能重复申报")


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
    def work() -> Application:
        allowed, why = can_apply(actor, applicant)
        if not allowed:
            raise Refused(why, permission=True)
        return _create(applicant, rule, matter, actor, events or [], requested_amount, "draft",
                       on or today())

    return _audited(actor, "applications.apply", applicant, work,
                    duplicate=lambda: _duplicate(applicant, rule, matter), rule=rule,
                    matter=matter)


def _create(applicant: Applicant, rule: str, matter: str, actor: User,
            events: list[dict[str, Any]], requested: Decimal | None, state: str,
            on: dt.date) -> Application:
    try:
        spec = meta.rule(rule)
    except KeyError:
        raise Refused(f"未知的政策规则“{rule}”") from None
    # Rank 1 of the lock order: two requests for one applicant run one after the other, so
    # the check below sees the other's application; the constraint catches anything else.
    concurrency.lock_applicant(applicant)
    duplicate = _duplicate(applicant, rule, matter)
    if duplicate is not None:
        raise duplicate
    org = owning_organisation(applicant)
    # The park that receives it: the applicant's organisation's (none for a person or team
    # with no organisation: the industry bureau stands in for the park committee).
    app = Application(**of_applicant(applicant), rule=rule, clause=spec.clause,
                      reference=spec.reference, matter=matter, state=state, events=events,
                      requested_amount=requested, park=org.park if org is not None else None,
                      created_by_id=_uid(actor),
                      department=Unit.objects.get(code=config.reviewer_unit(spec.reference)))
    refusal = kind_refusal(applicant, rule)
    if refusal is not None:  # R4: nobody of this kind receives the rule, whatever the facts
        raise Refused(refusal)
    ent = _decide(app, on)
    if ent.paid_before and not ent.granted:
        raise Refused(ent.explanation)  # paid already, nothing left: the same claim again
    app.save()
    TransitionRecord.objects.create(application=app, name="create", source="", target=state,
                                    actor_id=actor.pk, role="", decision=snapshot_of(app))
    record(actor, "applications.apply", app, allowed=True, rule=rule, matter=matter,
           state=state, entitled=app.entitled_amount, requested=requested)
    return app


def _decide(app: Application, day: dt.date) -> Entitlement:
    """The engine's word on `app` as of `day`, read as the workflow must (就高不就低 re-run
    with the amounts reviewers fixed; what the same claim was paid before deducted), stored
    on the application."""
    ent = entitlement(app.applicant, app.rule, app.matter, list(app.events), day)
    ent = competition.less_paid(app, competition.reconsider(app, ent))
    _take(app, ent)
    return ent


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

    def work() -> Application:
        # The lock order (concurrency.py): the applicant, then this row, then its rivals.
        concurrency.lock_applicant(application)
        app = Application.objects.select_for_update().get(pk=application.pk)
        allowed, why = can_transition(actor, app, name)
        if not allowed:
            raise Refused(why, permission=True)
        _move(app, name, actor, reason, amount, day, notice_days)
        return app

    # An appeal brings a refused application back to life: the constraint refuses it while
    # another application of the same claim is live.
    return _audited(actor, f"applications.{name}", application, work,
                    duplicate=lambda: _duplicate(application.applicant, application.rule,
                                                 application.matter),
                    state=application.state, amount=amount)


def _move(app: Application, name: str, actor: User, reason: str | None,
          amount: Decimal | None, day: dt.date, notice_days: int | None) -> None:
    move = workflow.move(name, app.state)
    assert move is not None  # can_transition checked it
    role = role_for(actor, app, move) or ""
    text = _reason(app, move, reason)
    if move.decides:
        _recompute(app, move, day)
    money = _amount(app, move, amount)
    _guard(app, move, actor, day, text)
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
    refusal = kind_refusal(app.applicant, app.rule)
    if refusal is not None:  # R4, at submission and every decision after it
        raise Refused(refusal)
    ent = _decide(app, day)
    if move.name in NEEDS_GRANT and not ent.granted:
        raise Refused(f"按{day.isoformat()}的登记事实，政策引擎不予核定：{ent.explanation}")


def _amount(app: Application, move: workflow.Move, amount: Decimal | None) -> Decimal | None:
    if not move.sets_amount:
        if amount is not None:
            raise Refused(f"“{move.zh}”环节不能设定金额")
        if move.name == "approve":
            return _approvable(app)
        return app.approved_amount if move.name == "pay" else None
    if app.discretionary:
        return _committee_amount(app, amount)
    limit = app.entitled_amount or Decimal(0)
    chosen = amount if amount is not None else (app.approved_amount or limit)
    _check_money(chosen)
    if chosen > limit:
        word = "上限" if app.ceiling else "核定金额"
        raise Refused(f"金额{chosen}元超过政策引擎{word}{limit}元：{app.explanation}")
    return chosen


def _approvable(app: Application) -> Decimal | None:
    """The amount fixed in review, still within what the engine grants on the day of
    approval (facts may have changed, or the same claim been paid since)."""
    money, limit = app.approved_amount, app.entitled_amount
    if money is not None and not app.discretionary and limit is not None and money > limit:
        raise Refused(f"批准金额{money}元超过政策引擎按今日事实核定的{limit}元：{app.explanation}，"
                      "请退回重新审核")
    return money


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


def _guard(app: Application, move: workflow.Move, actor: User, day: dt.date,
           text: str) -> None:
    ends = app.notice_ends_on
    if move.name == "approve" and ends is not None and day <= ends:
        raise Refused(f"公示期至{ends.isoformat()}，期满后方可批准")
    if move.name == "object" and ends is not None and day > ends:
        raise Refused(f"公示期已于{ends.isoformat()}结束，不再受理异议")
    if move.name in ("object", "dismiss_objection", "approve"):
        _objections(app, move, actor)
    if move.name in ("submit", "confirm", "approve"):
        rival = competition.blocking(app, approving=move.name == "approve")
        if rival is not None:
            raise Refused(competition.reason(rival, app))


def _since(app: Application, names: tuple[str, ...]) -> dt.datetime | None:
    """When the latest of the moves `names` was made on `app` (None: never)."""
    return app.history.filter(name__in=names).order_by("-at", "-id").values_list(
        "at", flat=True).first()


def pending_objections(app: Application) -> QuerySet[Objection]:
    """The objections the industry bureau has not answered: raised since the notice opened
    (final_review) or since its last answer (dismiss_objection, reopen)."""
    answered = _since(app, ("final_review", "dismiss_objection", "reopen"))
    found = app.objections.all()
    return found.filter(raised_at__gt=answered) if answered is not None else found


def _objections(app: Application, move: workflow.Move, actor: User) -> None:
    """One objection per user per notice; approval waits for every answer. transition() holds
    the application's row lock, so two objections of one user, or an objection and the
    approval, cannot pass these checks side by side."""
    if move.name == "object":
        opened = _since(app, ("final_review",))
        mine = app.objections.filter(raised_by_id=_uid(actor))
        if (mine.filter(raised_at__gt=opened) if opened is not None else mine).exists():
            raise Refused("您已对本次公示提出过异议，每次公示只能提出一次，"
                          "请等待市工业和信息化局处理")
        return
    waiting = pending_objections(app).count()
    if move.name == "dismiss_objection" and waiting == 0:
        raise Refused("本次公示没有待处理的异议")
    if move.name == "approve" and waiting:
        raise Refused(f"公示期间收到异议{waiting}件尚未处理：须先作出“异议不成立”或“异议成立，"
                      "退回重审”的决定")


def _effects(app: Application, move: workflow.Move, actor: User, text: str,
             money: Decimal | None, day: dt.date, notice_days: int | None) -> None:
    if move.sets_amount:
        app.approved_amount = money
    if move.name == "final_review":
        app.notice_starts_on = day
        app.notice_ends_on = config.notice_end(day, notice_days)
        app.notice_batch = numbering.notice_batch(app.notice_starts_on, app.notice_ends_on)
    elif move.name == "object":
        Objection.objects.create(application=app, raised_by_id=_uid(actor), text=text)
    elif move.name == "reopen":
        app.notice_starts_on = app.notice_ends_on = None
    elif move.name == "appeal":
        Appeal.objects.create(application=app, raised_by_id=_uid(actor), reason=text)
    elif move.name == "approve":
        _commit(app, money, day, actor)
        numbering.letter_number(app, day)
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

    def work() -> CommitteeDecision:
        concurrency.lock_applicant(app)
        locked = Application.objects.select_for_update().get(pk=app.pk)
        return _decide_committee(locked, actor, meeting_ref, meeting_date, amount, members,
                                 minutes, day)

    return _audited(actor, "applications.committee_decision", app, work, amount=amount,
                    meeting_ref=meeting_ref)


def _decide_committee(app: Application, actor: User, meeting_ref: str,
                      meeting_date: dt.date, amount: Decimal, members: list[str],
                      minutes: File[Any] | None, day: dt.date) -> CommitteeDecision:
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
    ent = competition.less_paid(app, entitlement(app.applicant, app.rule, app.matter,
                                                 list(app.events), day))
    if ent.cap is not None and amount > ent.cap:
        raise Refused(f"会议决定金额{amount}元超过政策文件上限{ent.cap}元：{ent.explanation}")
    decision = CommitteeDecision(
        application=app, meeting_ref=ref, meeting_date=meeting_date,
        amount=amount, members=names, recorded_by_id=_uid(actor))
    if minutes is not None:
        minutes.seek(0)  # a retried transaction reads the upload again
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
    """The applicant's one action: the proposal becomes an application awaiting review.
    Idempotent: confirming a confirmed proposal again returns its application."""
    return confirm(proposal, actor, on=on)[0]


def confirm(proposal: Proposal, actor: User, *, on: dt.date | None = None
            ) -> tuple[Application, bool]:
    """confirm_proposal, also saying whether this call created the application (False: the
    proposal was already confirmed, by this user in another tab or by a colleague)."""
    day = on or today()

    def work() -> tuple[Application, bool]:
        locked = _lock_proposal(proposal, actor)
        if locked.status == Proposal.Status.CONFIRMED and locked.application is not None:
            record(actor, "applications.confirm_proposal", locked, allowed=True,
                   replayed=True, application=locked.application.pk)
            return locked.application, False
        _still_open(locked)
        app = _create(locked.applicant, locked.rule, locked.matter, actor,
                      list(locked.events), None, "proposed", day)
        _move(app, "confirm", actor, None, None, day, None)
        locked.status, locked.application = Proposal.Status.CONFIRMED, app
        locked.save(update_fields=["status", "application"])
        return app, True

    app, created = _audited(actor, "applications.confirm_proposal", proposal, work,
                            duplicate=lambda: _duplicate(proposal.applicant, proposal.rule,
                                                         proposal.matter))
    proposal.status, proposal.application = Proposal.Status.CONFIRMED, app
    return app, created


def dismiss_proposal(proposal: Proposal, actor: User, *, reason: str = "") -> Proposal:
    def work() -> Proposal:
        locked = _lock_proposal(proposal, actor)
        _still_open(locked)
        locked.status = Proposal.Status.DISMISSED
        locked.save(update_fields=["status"])
        record(actor, "applications.dismiss_proposal", locked, allowed=True, reason=reason)
        return locked

    locked = _audited(actor, "applications.dismiss_proposal", proposal, work)
    proposal.status = locked.status
    return proposal


def _lock_proposal(proposal: Proposal, actor: User) -> Proposal:
    """Ranks 1 and 2 of the lock order: the applicant, then the proposal (read afresh: a
    second tab's confirmation is seen here, not lost)."""
    concurrency.lock_applicant(proposal)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    allowed, why = can_act_for(actor, owner_id(locked))
    if not allowed:
        raise Refused(why, permission=True)
    return locked


def _still_open(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.OPEN:
        raise Refused(f"该建议已{proposal.get_status_display()}")
