"""The demo's applications (docs/demo.md, "Applications"): awards the engine grants on the
registry's own facts, taken through the workflow in every state by the personas the workflow
table names, plus a few scenarios that bring their own facts and a 免申即享 screening run.

The demo's clock: each application is decided on its round's day (`on=`), approved on the first
working day after its public notice ends (`notice.yaml`'s calendar) and paid a week later;
notices published on `TODAY` (2022-07-04) are still open on the demo's today."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from policyhub.applications import config, screening, services, workflow
from policyhub.applications.entitlement import organisation_request
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application, Proposal
from policyhub.demo.accounts import REVIEWING, Users, park_username, reviewer_username
from policyhub.engine import InputError, evaluate
from policyhub.registry.models import Organisation, Person
from policyhub.units.models import Unit

# Each round's decision day (all Mondays); the fund year of an approval is its day's year.
ROUNDS = {2020: dt.date(2020, 9, 7), 2021: dt.date(2021, 6, 7), 2022: dt.date(2022, 6, 6)}
LATE = dt.date(2022, 6, 20)  # published then: the notice has ended, awaiting approval
TODAY = dt.date(2022, 7, 4)  # the demo's today: notices published on it are still open
# Rules drawn from the registry's granted awards (P4.leading_firm's 50 million is left out:
# one of them would take a whole year of the fund).
RULES = ("P2.construction", "P2.service_fees", "P4.milestone", "P6.standard", "P7.project",
         "P8.ipo", "P9.pk_demo")
MAX_AWARD = Decimal("5000000.00")
ATTEMPTS = 6  # candidates tried per scenario before giving up on it


# --- the registry's granted awards -------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """One award the engine grants an organisation on the registry's facts, on a day."""

    org: Organisation
    rule: str
    matter: str
    amount: Decimal
    ceiling: bool


def granted(org: Organisation, day: dt.date) -> tuple[list[Candidate], list[Candidate]]:
    """(awards granted, 一事一议 items) for `org` on its registry facts as of `day`."""
    try:
        decision = evaluate(organisation_request(org, [], day))
    except InputError:
        return [], []
    keys = Counter((a["rule"], a["matter"]) for a in decision["awards"])
    awards = [Candidate(org, a["rule"], a["matter"], Decimal(a["amount"]), bool(a["ceiling"]))
              for a in decision["awards"]
              if a["status"] == "granted" and keys[(a["rule"], a["matter"])] == 1]
    items = [Candidate(org, d["rule"], d["matter"], Decimal(d["cap"] or 0), False)
             for d in decision["discretionary"]]
    return awards, items


class Pool:
    """The awards of one round, drawn round-robin over the rules; a matter is used once."""

    def __init__(self, rng: random.Random, orgs: Iterable[Organisation], day: dt.date,
                 used: set[tuple[int, str]]):
        self.used = used
        self.by_rule: dict[str, list[Candidate]] = {}
        self.discretionary: list[Candidate] = []
        self.counts: Counter[int] = Counter()
        for org in orgs:
            awards, items = granted(org, day)
            self.counts[org.pk] = len(awards)
            for c in awards:
                if c.rule in RULES and c.amount <= MAX_AWARD:
                    self.by_rule.setdefault(c.rule, []).append(c)
            self.discretionary += items
        for candidates in self.by_rule.values():
            rng.shuffle(candidates)
        rng.shuffle(self.discretionary)
        self.turn = 0

    def draw(self, orgs: set[int] | None = None) -> Candidate | None:
        rules = sorted(self.by_rule)
        for i in range(len(rules)):
            rule = rules[(self.turn + i) % len(rules)]
            found = self._take(self.by_rule[rule], orgs)
            if found is not None:
                self.turn = (self.turn + i + 1) % len(rules)
                return found
        return None

    def draw_discretionary(self) -> Candidate | None:
        return self._take(self.discretionary, None)

    def _take(self, candidates: list[Candidate], orgs: set[int] | None) -> Candidate | None:
        for c in candidates:
            if (c.org.pk, c.matter) in self.used or (orgs is not None and c.org.pk not in orgs):
                continue
            candidates.remove(c)
            self.used.add((c.org.pk, c.matter))
            return c
        return None


# --- scenarios -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """`n` applications of round `day`, each taken through `steps` (workflow move names)."""

    label: str
    day: dt.date
    steps: tuple[str, ...]
    n: int = 1
    applicant_only: bool = False  # a move only the organisation itself makes (withdraw …)


def _s(label: str, day: dt.date, steps: str, n: int = 1, applicant_only: bool = False
       ) -> Scenario:
    return Scenario(label, day, tuple(steps.split()), n, applicant_only)


TO_NOTICE = "submit accept review final_review"
TO_PAID = f"{TO_NOTICE} approve pay"
Y20, Y21, Y22 = ROUNDS[2020], ROUNDS[2021], ROUNDS[2022]

SCENARIOS: tuple[Scenario, ...] = (
    _s("paid", Y21, TO_PAID, 1, applicant_only=True),
    _s("draft", Y22, "", 1, applicant_only=True),
    _s("in public notice", TODAY, TO_NOTICE, 1, applicant_only=True),
    _s("paid", Y20, TO_PAID, 2),
    _s("paid", Y21, TO_PAID, 3),
    _s("paid", Y22, TO_PAID, 2),
    _s("approved (committed)", Y21, f"{TO_NOTICE} approve"),
    _s("approved (committed)", Y22, f"{TO_NOTICE} approve", 2),
    _s("notice ended, awaiting approval", LATE, TO_NOTICE),
    _s("in public notice", TODAY, TO_NOTICE, 2),
    _s("reviewed", Y22, "submit accept review", 2),
    _s("accepted", Y22, "submit accept", 2),
    _s("submitted", Y22, "submit", 3),
    _s("resubmitted after correction", Y22, "submit return submit"),
    _s("draft", Y22, "", 2),
    _s("returned by the park", Y22, "submit return"),
    _s("returned by the department", Y22, "submit accept return"),
    _s("refused by the park", Y21, "submit refuse"),
    _s("refused by the department", Y22, "submit accept refuse"),
    _s("refused after approval (released)", Y21, f"{TO_NOTICE} approve refuse"),
    _s("withdrawn", Y22, "submit withdraw", applicant_only=True),
    _s("withdrawn after approval (released)", Y21, f"{TO_NOTICE} approve withdraw",
       applicant_only=True),
    _s("objection during notice", Y22, f"{TO_NOTICE} object"),
    _s("objection, reviewed again, in notice", LATE,
       f"{TO_NOTICE} object reopen review final_review"),
    _s("appeal after refusal", Y22, "submit refuse appeal", applicant_only=True),
)

REASONS = {
    ("return", "submitted"): ("缺少项目备案证明及投资发票复印件，请补正后重新提交",
                              "营业执照副本已过期，请上传最新版本"),
    ("return", "accepted"): ("研发投入专项审计报告与申报金额不一致，请补充说明",),
    ("return", "reviewed"): ("请补充第三方审计机构出具的投入核查意见",),
    ("refuse", "submitted"): ("申报主体主营业务不属于网络安全领域，不在本政策适用范围内",),
    ("refuse", "accepted"): ("经核查，该项目已获市级其他专项资金支持，不予重复支持",),
    ("refuse", "reviewed"): ("经复核，申报材料不足以证明项目已按期建成",),
    ("refuse", "notice"): ("公示期间收到实名举报，经核实情况属实",),
    ("refuse", "approved"): ("批准后审计发现申报投资额含关联交易，撤销批准",),
    ("object", "notice"): ("实名异议：该项目部分设备采购发生在政策有效期之前，请核实投资额",),
    ("reopen", "notice"): ("经核查异议部分属实，退回责任部门重新审核投资额",),
    ("appeal", "refused"): ("园区认定材料不全有误：项目备案证明已于申报时上传，请重新审查",),
    ("withdraw", ""): ("企业决定下一年度再申报", "项目计划调整，主动撤回"),
}


def _reason(name: str, state: str, rng: random.Random) -> str | None:
    options = REASONS.get((name, state)) or REASONS.get((name, ""))
    return rng.choice(options) if options else None


def next_working_day(day: dt.date) -> dt.date:
    cal = config.calendar()
    day += dt.timedelta(days=1)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@dataclass
class Outcome:
    scenarios: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)


class Runner:
    """Takes applications through the workflow as the personas the table names."""

    def __init__(self, rng: random.Random, users: Users):
        self.rng = rng
        self.users = users
        self.parks = {u.pk: u.code for u in Unit.objects.filter(kind=Unit.Kind.PARK)}
        self.departments = {u.pk: u.code for u in Unit.objects.filter(code__in=REVIEWING)}
        self.outcome = Outcome()

    # who acts
    def filer(self, org: Organisation) -> User:
        """The organisation's own applicant, else its park committee on its behalf."""
        own = self.users.applicants.get(org.pk)
        if own is not None:
            return own
        assert org.park_id is not None
        return self.users.get(park_username(self.parks[org.park_id]))

    def actor(self, app: Application, name: str) -> User:
        move = workflow.move(name, app.state)
        if move is None:
            raise Refused(f"no move {name} from {app.state}")
        role = move.roles[0]
        if role == workflow.APPLICANT:
            # The demo's applicants are organisations and one talent of an organisation.
            owner = app.owning_organisation
            assert owner is not None
            return self.filer(owner)
        if role == workflow.PARK_OFFICER:
            assert app.park_id is not None
            return self.users.get(park_username(self.parks[app.park_id]))
        if role == workflow.DEPARTMENT_REVIEWER:
            return self.users.get(reviewer_username(self.departments[app.department_id]))
        if role == workflow.BUREAU_OFFICER:
            return self.users.get("bureau_officer")
        if role == workflow.FINANCE_OFFICER:
            return self.users.get("finance_officer")
        # OBJECTOR: a rival applicant raises the objection during the notice
        return next(u for pk, u in self.users.applicants.items() if pk != app.organisation_id)

    # what they do
    def apply(self, org: Organisation, rule: str, matter: str, day: dt.date, *,
              events: list[dict[str, Any]] | None = None,
              requested: Decimal | None = None,
              applicant: Person | None = None) -> Application:
        """`org` applies (filed by its users), or on behalf of `applicant`, its talent."""
        return services.apply(applicant or org, rule, matter, self.filer(org),
                              events=events or [], requested_amount=requested, on=day)

    def advance(self, app: Application, steps: Iterable[str], day: dt.date) -> Application:
        for name in steps:
            if name == "approve":
                assert app.notice_ends_on is not None
                day = max(day, next_working_day(app.notice_ends_on))
            elif name == "pay":
                day = next_working_day(day + dt.timedelta(days=6))
            elif name == "object":
                day = next_working_day(day)
            elif name == "review" and app.state == "accepted" and app.objections.exists():
                day = next_working_day(day + dt.timedelta(days=7))  # 核查异议 takes a week
            amount = self._amount(app) if name == "review" else None
            app = services.transition(app, name, self.actor(app, name),
                                      reason=_reason(name, app.state, self.rng), amount=amount,
                                      on=day)
        return app

    def _amount(self, app: Application) -> Decimal | None:
        """A reviewer lowers an 二(七) ceiling to what the audited investment supports."""
        if app.ceiling and app.entitled_amount:
            share = Decimal(self.rng.choice(("0.6", "0.75", "0.8", "0.9")))
            return (app.entitled_amount * share).quantize(Decimal("1000"), rounding=ROUND_DOWN)
        return None

    def attempt(self, label: str, work: Callable[[], Application | None]) -> bool:
        """One scenario in a savepoint: a refusal undoes all of it (and its audit entries)."""
        try:
            with transaction.atomic():
                work()
        except Refused as exc:
            self.outcome.skipped.append(f"{label}: {exc.reason}")
            return False
        self.outcome.scenarios[label] += 1
        return True

    def scenario(self, s: Scenario, pool: Pool, applicant_orgs: set[int]) -> None:
        for _ in range(s.n):
            for _ in range(ATTEMPTS):
                c = pool.draw(applicant_orgs if s.applicant_only else None)
                if c is None:
                    self.outcome.skipped.append(f"{s.label}: no award left in the registry")
                    return

                def work(c: Candidate = c) -> Application:
                    app = self.apply(c.org, c.rule, c.matter, s.day, requested=c.amount)
                    return self.advance(app, s.steps, s.day)

                if self.attempt(s.label, work):
                    break


# --- scenarios that bring their own facts ------------------------------------------------------

def _pk_demo(matter: str) -> list[dict[str, Any]]:
    return [{"type": "pk_demo_project", "date": "2020-11-20", "rd_investment": "1200000",
             "selected": True, "matter": matter}]


def _project(matter: str) -> list[dict[str, Any]]:
    return [{"type": "project_investment", "date": "2020-12-15", "total_investment": "60000000",
             "actual_investment": "26000000", "kind": "tech_upgrade", "matter": matter}]


def _leader_project(matter: str) -> list[dict[str, Any]]:
    return [{"type": "discretionary", "date": "2020-10-10", "rule": "P5.leader_project",
             "matter": matter}]


def _prize(matter: str) -> list[dict[str, Any]]:
    return [{"type": "competition_prize", "date": "2020-11-28", "rank": 2,
             "settles_in_changsha": True, "matter": matter}]


def special_scenarios(run: Runner, pool: Pool, applicant_orgs: Sequence[Organisation]) -> None:
    org = applicant_orgs[1 % len(applicant_orgs)]

    def supersede() -> Application:
        # 就高不就低: the same project under 二(九) (lower) and 二(七) (higher); approving the
        # higher one supersedes the lower one, which the platform records as the system.
        matter = "工控安全态势感知平台研发及产业化项目"
        lower = run.advance(run.apply(org, "P9.pk_demo", matter, Y21, events=_pk_demo(matter)),
                            ["submit"], Y21)
        higher = run.advance(run.apply(org, "P7.project", matter, Y21, events=_project(matter)),
                             TO_PAID.split(), Y21)
        lower.refresh_from_db()
        if lower.state != "superseded":
            raise Refused(f"the lower application stayed {lower.state}")
        return higher

    def leader() -> Application:
        # 一事一议 (二(五)): the bureau records the committee's decision before hrss reviews.
        matter = "网络安全领军人才团队项目（可信计算芯片）"
        # R4: 二(五) gives it to the talent (or team), filed by the employer's users.
        talent, _ = Person.objects.get_or_create(name="周明远", organisation=org)
        app = run.advance(run.apply(org, "P5.leader_project", matter, Y21,
                                    events=_leader_project(matter), applicant=talent),
                          ["submit", "accept"], Y21)
        services.record_committee_decision(
            app, run.users.get("bureau_officer"), meeting_ref="长工信专项会〔2021〕4号",
            meeting_date=Y21 - dt.timedelta(days=10), amount=Decimal("3000000.00"),
            members=["市工业和信息化局", "市财政局", "市委人才办", "市人力资源社会保障局"], on=Y21)
        return run.advance(app, ["review", "final_review", "approve", "pay"], Y21)

    def prize() -> Application:
        # 二(十), reviewed by 市委网信办 (cac).
        matter = "2020年长沙网络安全创新创业大赛二等奖"
        app = run.apply(applicant_orgs[0], "P10.prize", matter, Y21, events=_prize(matter))
        return run.advance(app, TO_PAID.split(), Y21)

    def awaiting_committee() -> Application | None:
        # A registry 一事一议 item (cluster park or major project) waiting for its meeting.
        c = pool.draw_discretionary()
        if c is None:
            return None
        return run.advance(run.apply(c.org, c.rule, c.matter, Y22), ["submit", "accept"], Y22)

    run.attempt("superseded (就高不就低)", supersede)
    run.attempt("一事一议, paid (二(五), hrss)", leader)
    run.attempt("competition prize, paid (二(十), cac)", prize)
    run.attempt("一事一议 awaiting the committee", awaiting_committee)


def clerk_scenarios(run: Runner, org: Organisation) -> None:
    """Work waiting for the `applicant` login (issue 14: its 待办 must not be empty): one
    application returned by its park with a reason, one in public notice, one submitted and
    waiting for its park (长沙高新区) to accept it. Its registry awards are all taken by the
    scenarios above, so these bring their own facts."""

    def returned() -> Application:
        matter = "工业互联网安全监测预警平台研发项目"
        app = run.apply(org, "P9.pk_demo", matter, Y22, events=_pk_demo(matter))
        return run.advance(app, ["submit", "return"], Y22)

    def in_notice() -> Application:
        matter = "工控系统安全防护产品产线技术改造项目"
        return run.advance(run.apply(org, "P7.project", matter, TODAY, events=_project(matter)),
                           TO_NOTICE.split(), TODAY)

    def submitted() -> Application:
        matter = "数据安全治理平台攻关项目"
        return run.advance(run.apply(org, "P9.pk_demo", matter, Y22, events=_pk_demo(matter)),
                           ["submit"], Y22)

    run.attempt("returned by the park (applicant)", returned)
    run.attempt("in public notice (applicant)", in_notice)
    run.attempt("submitted (applicant)", submitted)


def proposals(run: Runner, applicant_orgs: Sequence[Organisation]) -> screening.Summary:
    """A 免申即享 screening run on the demo's today; an applicant confirms one proposal (it
    enters department review) and dismisses another. The first applicant (`applicant`) goes
    last, so that its proposals stay open for it to confirm in the pages."""
    summary = screening.screen(TODAY, run=f"demo-{TODAY.isoformat()}")
    for org in [*applicant_orgs[1:], *applicant_orgs[:1]]:
        mine = list(Proposal.objects.filter(organisation=org, status=Proposal.Status.OPEN)
                    .order_by("pk")[:2])
        if len(mine) < 2:
            continue
        user = run.users.applicants[org.pk]

        def confirm(p: Proposal = mine[0], u: User = user) -> Application:
            return services.confirm_proposal(p, u, on=TODAY)

        if run.attempt("免申即享 proposal confirmed", confirm):
            services.dismiss_proposal(mine[1], user, reason="该项目已通过其他渠道获得支持，放弃")
            break
    return summary


