"""The demo site (`policyhub manage load_demo`, docs/demo.md): a populated PolicyHub.

What it loads, in ONE transaction (all of it or nothing):

- the registry demo (`policyhub.registry.demo.load_demo`): ~300 organisations across
  Changsha's districts and parks with five years of figures, people, teams and events;
- one login per role (password `PASSWORD`), with Chinese display names: applicants for a few
  organisations, a park officer per park, a department reviewer per reviewing department,
  the industry bureau, the finance bureau, an auditor and the administrator (a superuser);
- money in the special fund (二(一)) for the budget years 2020–2022, the zone's share first and
  the city's matching it 1:1, well below the text's 200 million;
- applications in every workflow state, each moved only through `applications.services`
  (`apply`, `transition`, `record_committee_decision`, `confirm_proposal`) by the persona
  whose role the workflow table names, so their history, the audit trail and the ledger's
  commitments, payments and releases are the real ones;
- a 免申即享 screening run over the registry, one proposal confirmed and one dismissed.
- the action-plan monitor (`policyhub.web.demo_monitor`): service-centre records for
  2019–2021 and the quarterly reports of the reported targets, tuned so that on 2021-12-31
  some targets are met, some at risk and some behind, and a few reports are overdue.

The demo's clock. The fund's budget years are 2020–2022 and the policy ran until 2022-07-31,
so the demo happens then: each application is decided on its round's day (`on=`), approved on
the first working day after its public notice ends (`notice.yaml`'s calendar) and paid a week
later; notices published on `TODAY` (2022-07-04) are still open on the demo's today.

Deterministic for a seed; awards are drawn from what the engine grants on the registry's own
facts (no made-up amounts), except a few scenarios that bring their facts with the
application (就高不就低, 一事一议, a competition prize), as an applicant would.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.appendonly import flush_allowed
from policyhub.applications import config, screening, services, workflow
from policyhub.applications.entitlement import organisation_request
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application, Proposal
from policyhub.audit.models import AuditEntry
from policyhub.audit.services import record, verify
from policyhub.engine import InputError, evaluate
from policyhub.ledger import services as ledger
from policyhub.ledger.models import JournalEntry
from policyhub.ledger.params import fund
from policyhub.registry import demo as registry_demo
from policyhub.registry.models import Organisation, Person
from policyhub.units import seed as unit_seed
from policyhub.units.models import Unit
from policyhub.web import demo_monitor

PASSWORD = "policyhub-demo"
ACTION = "web.demo.load"  # the audit entry that marks a database holding the demo
SEED = 2019
ORGANISATIONS = 300

# Each round's decision day (all Mondays); the fund year of an approval is its day's year.
ROUNDS = {2020: dt.date(2020, 9, 7), 2021: dt.date(2021, 6, 7), 2022: dt.date(2022, 6, 6)}
LATE = dt.date(2022, 6, 20)  # published then: the notice has ended, awaiting approval
TODAY = dt.date(2022, 7, 4)  # the demo's today: notices published on it are still open
# Per budget year and per source (元): the zone puts its share in first, the city matches it.
CONTRIBUTIONS = {2020: Decimal("20000000.00"), 2021: Decimal("30000000.00"),
                 2022: Decimal("25000000.00")}
# Rules drawn from the registry's granted awards (P4.leading_firm's 50 million is left out:
# one of them would take a whole year of the fund).
RULES = ("P2.construction", "P2.service_fees", "P4.milestone", "P6.standard", "P7.project",
         "P8.ipo", "P9.pk_demo")
MAX_AWARD = Decimal("5000000.00")
REVIEWING = ("miit", "hrss", "finance-office", "cac")  # the units clauses.yaml names
# Lead units of action-plan targets with nobody else to report or record for them
# (市科技局 reports most reported targets; 市数据资源局 records terminals and migration).
PLAN_UNITS = ("science", "data")
APPLICANT_ORGANISATIONS = 4
ATTEMPTS = 6  # candidates tried per scenario before giving up on it


# --- logins ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str  # Role value
    scope: str  # the unit or organisation it acts for ("全市" for city-wide roles)
    superuser: bool = False

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


STAFF_NAMES = ("王建国", "李晓燕", "张志强", "刘海涛", "陈静", "杨帆", "赵敏", "黄立新", "周文博",
               "吴婷", "徐明辉", "孙丽娟", "胡志伟", "朱晓东", "高雅琴", "林子豪", "何建华",
               "郭晓峰", "马丽", "罗振宇")
APPLICANT_NAMES = ("彭湘君", "曾凡宇", "谢雨桐", "唐嘉欣")


def _park_username(code: str) -> str:
    return "park_officer" if code == "hitech" else f"park_officer_{code}"


def _reviewer_username(code: str) -> str:
    return "department_reviewer" if code == "miit" else f"department_reviewer_{code}"


def _applicant_username(i: int) -> str:
    return "applicant" if i == 0 else f"applicant{i + 1}"


def staff_logins() -> list[Login]:
    """Every staff login, in the order docs/demo.md lists them."""
    names = iter(STAFF_NAMES)
    units = dict(Unit.objects.values_list("code", "name"))
    out = [Login("admin", next(names), Role.ADMINISTRATOR, "全市", superuser=True),
           Login("bureau_officer", next(names), Role.BUREAU_OFFICER, units["miit"]),
           Login("finance_officer", next(names), Role.FINANCE_OFFICER, units["finance"]),
           Login("auditor", next(names), Role.AUDITOR, "全市")]
    out += [Login(_reviewer_username(code), next(names), Role.DEPARTMENT_REVIEWER, units[code])
            for code in REVIEWING]
    out += [Login(_park_username(code), next(names), Role.PARK_OFFICER, units[code])
            for code, _name, _district in unit_seed.PARKS]
    out += [Login(_reviewer_username(code), next(names), Role.DEPARTMENT_REVIEWER, units[code])
            for code in PLAN_UNITS]
    return out


@dataclass
class Users:
    by_name: dict[str, User] = field(default_factory=dict)
    applicants: dict[int, User] = field(default_factory=dict)  # organisation pk → user
    logins: list[Login] = field(default_factory=list)

    def get(self, username: str) -> User:
        return self.by_name[username]


def _create_users(applicant_orgs: Sequence[Organisation]) -> Users:
    # One hash for every demo login: the password is documented anyway, and hashing it
    # twenty times would cost seconds (PBKDF2 is slow on purpose).
    hashed = make_password(PASSWORD)
    units = {u.code: u for u in Unit.objects.all()}
    users = Users()
    logins = staff_logins()
    for i, org in enumerate(applicant_orgs):
        logins.append(Login(_applicant_username(i), APPLICANT_NAMES[i % len(APPLICANT_NAMES)],
                            Role.APPLICANT, org.name))
    for login in logins:
        user = User.objects.create(username=login.username, first_name=login.name,
                                   password=hashed, is_staff=login.superuser,
                                   is_superuser=login.superuser,
                                   email=f"{login.username}@demo.policyhub.invalid")
        users.by_name[login.username] = user
    for login in logins:
        user = users.by_name[login.username]
        if login.role == Role.APPLICANT:
            org = applicant_orgs[len(users.applicants)]
            RoleAssignment.objects.create(user=user, role=login.role, organisation=org)
            users.applicants[org.pk] = user
        else:
            unit = next((u for u in units.values() if u.name == login.scope), None)
            RoleAssignment.objects.create(user=user, role=login.role, unit=unit)
    users.logins = logins
    return users


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
        return self.users.get(_park_username(self.parks[org.park_id]))

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
            return self.users.get(_park_username(self.parks[app.park_id]))
        if role == workflow.DEPARTMENT_REVIEWER:
            return self.users.get(_reviewer_username(self.departments[app.department_id]))
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


def proposals(run: Runner, applicant_orgs: Sequence[Organisation]) -> screening.Summary:
    """A 免申即享 screening run on the demo's today; the first applicant confirms one
    proposal (it enters department review) and dismisses another."""
    summary = screening.screen(TODAY, run=f"demo-{TODAY.isoformat()}")
    for org in applicant_orgs:
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


# --- the fund ---------------------------------------------------------------------------------

def contribute(actor: User) -> None:
    """Each budget year: the zone's share first, then the city's matching it 1:1."""
    years = fund().budget_years
    for year, amount in CONTRIBUTIONS.items():
        if year not in years:
            continue
        ledger.contribute("zone", year, amount, actor,
                          reference=f"长高新财〔{year}〕{11 + year % 10}号 长沙高新区配套资金")
        ledger.contribute("city", year, amount, actor,
                          reference=f"长财企指〔{year}〕{30 + year % 10}号 市本级专项资金")


# --- the whole load ---------------------------------------------------------------------------

class AlreadyLoaded(Exception):
    """The database holds the demo, or other data load_demo will not mix with."""


@dataclass(frozen=True)
class Summary:
    seed: int
    seconds: float
    registry: registry_demo.Loaded
    logins: tuple[Login, ...]
    states: dict[str, int]
    proposals: dict[str, int]
    screening: str
    fund: tuple[ledger.YearFigures, ...]
    scenarios: dict[str, int]
    skipped: tuple[str, ...]
    audit_entries: int
    monitor: str = ""


def has_demo() -> bool:
    return AuditEntry.objects.filter(action=ACTION).exists()


def existing_data() -> dict[str, int]:
    """What the database holds that load_demo would collide with (empty: nothing)."""
    counts = {"organisations": Organisation.objects.count(),
              "applications": Application.objects.count(),
              "ledger entries": JournalEntry.objects.count(),
              "users": User.objects.count(),
              "audit entries": AuditEntry.objects.count()}
    return {k: v for k, v in counts.items() if v}


def refusal() -> str | None:
    """Why load_demo will not load into this database, or None when it is empty."""
    if has_demo():
        entry = AuditEntry.objects.filter(action=ACTION).order_by("seq").last()
        when = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M") if entry else "?"
        return (f"the demo is already loaded (at {when}); nothing was changed. "
                "Run `load_demo --reset` to flush the database and load it again.")
    data = existing_data()
    if data:
        held = ", ".join(f"{n} {what}" for what, n in data.items())
        return (f"the database already holds data that is not the demo ({held}); nothing was "
                "changed. load_demo only loads into an empty database.")
    return None


def reset_refusal() -> str | None:
    """--reset flushes only a database that holds the demo, or nothing at all."""
    if has_demo() or not existing_data():
        return None
    return (f"refusing to flush: the database holds data that load_demo did not load "
            f"({', '.join(f'{n} {w}' for w, n in existing_data().items())}). "
            "Flush it yourself (`manage.py flush`) if you really mean to delete it.")


def flush() -> None:
    """Empty every table (Django's flush: the audit trail and the ledger go too, so the
    fresh chain verifies), then put back the units the migrations seed. The append-only
    tables' triggers refuse a flush (policyhub.appendonly); this one is allowed because
    load_demo only resets a database holding nothing but the demo (_refusal)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # PostgreSQL refuses TRUNCATE while deferred FK checks of this transaction are
        # pending ("pending trigger events"); run them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with flush_allowed(connection):
        call_command("flush", interactive=False, verbosity=0, database=DEFAULT_DB_ALIAS)
    seed_units()


def seed_units() -> None:
    """The units' data migration (units/0002), idempotent."""
    for row in unit_seed.rows():
        Unit.objects.update_or_create(code=row["code"], defaults=row)


def load(seed: int = SEED, organisations: int = ORGANISATIONS, *, reset: bool = False
         ) -> Summary:
    """Load the demo, in one transaction; AlreadyLoaded when the database is not empty
    (or, with `reset`, holds data that is not the demo)."""
    started = time.perf_counter()
    with transaction.atomic():
        if reset:
            why = reset_refusal()
            if why:
                raise AlreadyLoaded(why)
            flush()
        why = refusal()
        if why:
            raise AlreadyLoaded(why)
        seed_units()
        summary = _load(seed, organisations, started)
    return summary


def _load(seed: int, n: int, started: float) -> Summary:
    rng = random.Random(seed)
    loaded = registry_demo.load_demo(seed=seed, n=n)
    orgs = list(Organisation.objects.filter(park__isnull=False).select_related("park")
                .order_by("pk"))
    used: set[tuple[int, str]] = set()
    pools = {year: Pool(rng, orgs, day, used) for year, day in ROUNDS.items()}
    applicant_orgs = _applicant_organisations(orgs, pools[2022])
    users = _create_users(applicant_orgs)
    contribute(users.get("finance_officer"))

    run = Runner(rng, users)
    mine = {o.pk for o in applicant_orgs}
    for s in SCENARIOS:
        run.scenario(s, pools[s.day.year], mine)
    special_scenarios(run, pools[2022], applicant_orgs)
    screened = proposals(run, applicant_orgs)
    monitor = demo_monitor.load(seed, PASSWORD)

    states = dict(Counter(Application.objects.values_list("state", flat=True)))
    statuses = dict(Counter(Proposal.objects.values_list("status", flat=True)))
    record(None, ACTION, None, seed=seed, organisations=n, states=states, proposals=statuses,
           logins=[login.username for login in users.logins],
           skipped=run.outcome.skipped)
    return Summary(
        seed=seed, seconds=time.perf_counter() - started, registry=loaded,
        logins=tuple(users.logins),
        states={s.code: states.get(s.code, 0) for s in workflow.STATES},
        proposals=statuses, screening=screened.line(),
        fund=tuple(ledger.figures(y) for y in fund().budget_years),
        scenarios=dict(run.outcome.scenarios), skipped=tuple(run.outcome.skipped),
        audit_entries=AuditEntry.objects.count(), monitor=monitor.line())


def _applicant_organisations(orgs: Sequence[Organisation], pool: Pool) -> list[Organisation]:
    """The enterprises with the most granted awards get their own applicant logins; the
    first (`applicant`) is in 长沙高新区, whose officer is `park_officer` (as in the tests'
    personas)."""
    enterprises = [o for o in orgs if o.kind == Organisation.Kind.ENTERPRISE]
    ranked = sorted(enterprises, key=lambda o: (-pool.counts[o.pk], o.pk))
    first = next((o for o in ranked if o.park is not None and o.park.code == "hitech"), None)
    if first is not None:
        ranked.remove(first)
        ranked.insert(0, first)
    return ranked[:APPLICANT_ORGANISATIONS]


# --- reporting --------------------------------------------------------------------------------

def logins_text(logins: Sequence[Login]) -> str:
    width = max(len(login.username) for login in logins)
    lines = [f"Demo logins (password for all: {PASSWORD}):"]
    for login in logins:
        extra = "，超级用户 /admin/" if login.superuser else ""
        lines.append(f"  {login.username:<{width}}  {login.name}  {login.role_label}"
                     f"（{login.scope}{extra}）")
    return "\n".join(lines)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def summary_text(s: Summary) -> str:
    r = s.registry
    lines = [
        f"Demo loaded in {s.seconds:.1f} s (seed {s.seed}): {r.organisations} organisations, "
        f"{r.figures} yearly figures, {r.people} people, {r.teams} teams, "
        f"{sum(r.events.values())} registry events.",
        "",
        "Applications by state:",
    ]
    for st in workflow.STATES:
        lines.append(f"  {st.code:<11} {st.zh:<6} {s.states.get(st.code, 0):>4}")
    lines.append(f"  {'total':<11} {'':<6} {sum(s.states.values()):>4}")
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(s.proposals.items()))
    lines += ["", f"免申即享 proposals: {statuses} ({s.screening})", "",
              "Special fund 二(一) per budget year (yuan):",
              f"  {'year':<6}{'budget':>17}{'committed':>17}{'paid':>17}{'available':>17}"]
    for f in s.fund:
        lines.append(f"  {f.year:<6}{_yuan(f.budget):>17}{_yuan(f.committed):>17}"
                     f"{_yuan(f.paid):>17}{_yuan(f.available):>17}")
    if s.monitor:
        lines += ["", s.monitor]
    lines += ["", f"Audit trail: {s.audit_entries} entries, chain "
              f"{'verified' if verify().ok else 'BROKEN'}."]
    if s.skipped:
        lines += ["", "Scenarios skipped (the engine or the workflow refused them):"]
        lines += [f"  - {why}" for why in s.skipped]
    lines += ["", logins_text(s.logins)]
    return "\n".join(lines)
