"""The application workflow as ONE declarative table: state → transitions → roles.

This module is the single source of truth. `services.transition()` enforces it,
`permissions.can_transition()` reads the roles from it, and docs/workflow.md is generated
from it (a test fails when the two drift). Regenerate the document with::

    .venv/bin/python -m policyhub.applications.workflow --write docs/workflow.md

Pure Python (no Django): role codes are the values of `policyhub.accounts.models.Role`
(a test checks they exist), plus two pseudo-roles: OBJECTOR (an applicant user of another
organisation, for objections during 公示; permissions.role_for says who exactly) and SYSTEM
(moves only the platform makes, such as 就高不就低).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

APPLICANT = "applicant"
PARK_OFFICER = "park_officer"
DEPARTMENT_REVIEWER = "department_reviewer"
BUREAU_OFFICER = "bureau_officer"
FINANCE_OFFICER = "finance_officer"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"
OBJECTOR = "objector"
SYSTEM = "system"

# Every human role, for the role × transition tests and the generated document.
HUMAN_ROLES = (APPLICANT, PARK_OFFICER, DEPARTMENT_REVIEWER, BUREAU_OFFICER, FINANCE_OFFICER,
               AUDITOR, ADMINISTRATOR)

ROLE_LABELS = {
    APPLICANT: "申报主体 applicant",
    PARK_OFFICER: "园区管委会 park committee",
    DEPARTMENT_REVIEWER: "责任部门 responsible department",
    BUREAU_OFFICER: "市工业和信息化局 industry bureau",
    FINANCE_OFFICER: "市财政局 finance bureau",
    AUDITOR: "审计 auditor",
    ADMINISTRATOR: "管理员 administrator",
    OBJECTOR: "其他申报主体 another applicant (公示异议)",
    SYSTEM: "系统 system",
}


@dataclass(frozen=True)
class State:
    code: str
    zh: str
    en: str
    public: str  # what the applicant and the public notice show
    terminal: bool = False


@dataclass(frozen=True)
class Move:
    """One row of the table: `name` from `source` to `target`, by one of `roles`.

    A name may appear from several states with different roles (每一环节各退回/不予支持).
    `decides`: the engine's decision is recomputed from registry facts at this step and
    snapshotted. `sets_amount`: the actor may set the approved amount here.
    """

    name: str
    source: str
    target: str
    roles: tuple[str, ...]
    zh: str
    reason_required: bool = False
    sets_amount: bool = False
    decides: bool = False


STATES: tuple[State, ...] = (
    State("proposed", "待确认", "Proposed (免申即享)", "免申即享，待确认"),
    State("draft", "草稿", "Draft", "草稿"),
    State("submitted", "已提交", "Submitted", "已提交，待园区受理"),
    State("accepted", "已受理", "Accepted, awaiting department review", "审核中"),
    State("reviewed", "初审通过", "Reviewed, awaiting final review", "审核中"),
    State("notice", "公示中", "Public notice", "公示中"),
    State("approved", "已批准", "Approved", "已批准，待拨付"),
    State("paid", "已拨付", "Paid", "已拨付", terminal=True),
    State("returned", "退回补正", "Returned for correction", "退回补正"),
    State("refused", "不予支持", "Refused", "不予支持"),
    State("withdrawn", "已撤回", "Withdrawn", "已撤回", terminal=True),
    State("superseded", "已被替代", "Superseded (就高不就低)", "不重复支持", terminal=True),
)

_WITHDRAWABLE = ("draft", "submitted", "accepted", "reviewed", "notice", "returned", "approved")
_SUPERSEDABLE = ("submitted", "accepted", "reviewed", "notice", "approved", "returned")

MOVES: tuple[Move, ...] = (
    Move("submit", "draft", "submitted", (APPLICANT, PARK_OFFICER), "提交", decides=True),
    Move("submit", "returned", "submitted", (APPLICANT, PARK_OFFICER), "重新提交", decides=True),
    # 免申即享: the applicant's one confirmation puts the proposal straight into review.
    Move("confirm", "proposed", "accepted", (APPLICANT,), "确认免申即享", decides=True),
    Move("accept", "submitted", "accepted", (PARK_OFFICER,), "受理"),
    Move("return", "submitted", "returned", (PARK_OFFICER,), "退回补正", reason_required=True),
    Move("return", "accepted", "returned", (DEPARTMENT_REVIEWER,), "退回补正",
         reason_required=True),
    Move("return", "reviewed", "returned", (BUREAU_OFFICER,), "退回补正", reason_required=True),
    Move("review", "accepted", "reviewed", (DEPARTMENT_REVIEWER,), "初审通过",
         sets_amount=True, decides=True),
    Move("final_review", "reviewed", "notice", (BUREAU_OFFICER,), "复核通过并公示",
         sets_amount=True, decides=True),
    # 公示异议 is recorded, not obeyed: the notice goes on, and the industry bureau decides
    # whether the objection holds (back to the department's review) or not (then approve).
    Move("object", "notice", "notice", (OBJECTOR,), "公示异议", reason_required=True),
    Move("dismiss_objection", "notice", "notice", (BUREAU_OFFICER,), "异议不成立",
         reason_required=True),
    Move("reopen", "notice", "accepted", (BUREAU_OFFICER,), "异议成立，退回重审",
         reason_required=True),
    Move("approve", "notice", "approved", (BUREAU_OFFICER,), "批准", decides=True),
    Move("pay", "approved", "paid", (FINANCE_OFFICER,), "拨付"),
    Move("refuse", "submitted", "refused", (PARK_OFFICER,), "不予支持", reason_required=True),
    Move("refuse", "accepted", "refused", (DEPARTMENT_REVIEWER,), "不予支持",
         reason_required=True),
    Move("refuse", "reviewed", "refused", (BUREAU_OFFICER,), "不予支持", reason_required=True),
    Move("refuse", "notice", "refused", (BUREAU_OFFICER,), "不予支持", reason_required=True),
    Move("refuse", "approved", "refused", (BUREAU_OFFICER,), "不予支持（撤销批准）",
         reason_required=True),
    # An appeal goes to the bureau's final review, not back to the department that refused.
    Move("appeal", "refused", "reviewed", (APPLICANT,), "申诉", reason_required=True),
    *(Move("withdraw", s, "withdrawn", (APPLICANT,), "撤回") for s in _WITHDRAWABLE),
    *(Move("supersede", s, "superseded", (SYSTEM,), "就高不就低，不重复支持",
           reason_required=True) for s in _SUPERSEDABLE),
)

STATE_BY_CODE = {s.code: s for s in STATES}
MOVE_NAMES = tuple(dict.fromkeys(m.name for m in MOVES))
MOVE_LABELS = {m.name: m.zh for m in MOVES if m.source != "returned"}
# States in which an application still competes for money (就高不就低, lists "in progress").
OPEN_STATES = ("submitted", "accepted", "reviewed", "notice", "approved", "returned")
# States in which an application is the live claim of its (applicant, rule, matter): at most
# one application per key may be in them (the database's partial unique constraint
# `one_live_application_*`). Refused (appealable), withdrawn, superseded and paid ones are not
# live; a paid one is answered by a top-up or a refusal instead (services._less_paid).
LIVE_STATES = ("proposed", "draft", *OPEN_STATES)
# A move that, leaving these states, must give back money the ledger committed on approval.
COMMITTED_STATES = ("approved",)


def state(code: str) -> State:
    return STATE_BY_CODE[code]


def move(name: str, source: str) -> Move | None:
    """The row for `name` out of `source`, or None when the table has no such move."""
    return next((m for m in MOVES if m.name == name and m.source == source), None)


def moves_from(source: str) -> list[Move]:
    return [m for m in MOVES if m.source == source]


def label(code: str) -> str:
    """A state's name in the page's language: Chinese, or its English name in English mode."""
    from django.utils.translation import get_language

    found = state(code)
    return found.en if (get_language() or "").startswith("en") else found.zh


def choices() -> list[tuple[str, str]]:
    return [(s.code, label(s.code)) for s in STATES]


def render_markdown() -> str:
    """docs/workflow.md, generated from the table above."""
    lines = [
        "# 申报审核流程 Application workflow",
        "",
        "<!-- GENERATED from src/policyhub/applications/workflow.py. Do not edit by hand:",
        "     .venv/bin/python -m policyhub.applications.workflow --write docs/workflow.md -->",
        "",
        "One table drives the workflow; `policyhub.applications.services.transition()` is the",
        "only way an application changes state (web, API and the `application_transition`",
        "command all call it). Each move is allowed only to the roles listed, and only on",
        "applications within the actor's scope (own organisation, own park, clauses the",
        "department is responsible for — `clauses.yaml`).",
        "",
        "The applicant (申报主体) is exactly one of an organisation, a talent (`Person`) or a",
        "team (`Team`) — 《若干政策》二(五) rewards talents and teams, 二(十) competition teams.",
        "A person or team belongs to its organisation (a person's employer, a team's leader's):",
        "that organisation's `applicant` users act for it and its park committee receives the",
        "application. A person or team with no organisation is applied for by the industry",
        "bureau on its behalf, and on any application with no park the `bureau_officer`",
        "stands in for the park committee (the `park_officer` moves: submit, accept, return",
        "and refuse at acceptance).",
        "",
        "## States",
        "",
        "| code | 状态 | state | public label | terminal |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| `{s.code}` | {s.zh} | {s.en} | {s.public} | {'yes' if s.terminal else ''} |"
              for s in STATES]
    lines += [
        "",
        "## Transitions",
        "",
        "| transition | 动作 | from | to | roles | reason required | sets amount "
        "| engine recomputed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [_move_row(m) for m in MOVES]
    lines += ["", "## Roles", ""]
    lines += [f"- `{code}`: {label}" for code, label in ROLE_LABELS.items()]
    lines += ["", *_RULES_TEXT]
    return "\n".join(lines) + "\n"


def _move_row(m: Move) -> str:
    roles = ", ".join(f"`{r}`" for r in m.roles)
    flags = ["yes" if f else "" for f in (m.reason_required, m.sets_amount, m.decides)]
    return f"| `{m.name}` | {m.zh} | `{m.source}` | `{m.target}` | {roles} | " + " | ".join(
        flags) + " |"


_RULES_TEXT = (
    "## Rules enforced on the moves",
    "",
    "- **Amounts.** `review` and `final_review` may set the approved amount: at most the",
    "  engine's amount (for 二(七) its ceiling), never above; 一事一议 items take exactly the",
    "  amount of the recorded committee decision, which must be within the text's cap.",
    "- **Engine.** Moves marked *engine recomputed* re-run `policyhub.engine.evaluate` on the",
    "  registry facts as of that day and snapshot the decision on the history row; a move that",
    "  would advance an application the engine no longer grants is refused with its reason.",
    "- **公示.** `final_review` opens a public notice of N working days (`notice.yaml`,",
    "  5 by default; weekends and China's public holidays skipped, 调休 working days counted:",
    "  the `holidays` package, notice.yaml only overriding); `approve` is refused until it",
    "  has ended and while an objection is unanswered.",
    "- **异议 (objections).** During the notice, an objection may be raised by a user who",
    "  holds the `applicant` role for another organisation (a competitor or any other",
    "  enterprise, institute or platform on the platform) and no official role: never the",
    "  applicant's own users, the park committee, the departments, the bureaus, the auditor",
    "  or an administrator, whose duties are to decide or to watch, not to contest. Each",
    "  such user objects at most once per notice, with a reason, until the notice ends.",
    "  The objection is recorded (实名, with the audit trail) and does not move the",
    "  application: the industry bureau answers it — `reopen` (异议成立) sends the",
    "  application back to the department's review, `dismiss_objection` (异议不成立)",
    "  answers every objection so far with its reason — and `approve` is refused while an",
    "  objection raised since the notice opened or the last answer is unanswered. So an",
    "  objector can stall nothing by objecting again and again.",
    "- **Refusals reveal nothing.** A move on an application the user may not view is",
    "  refused with the same words whatever its state, so a refusal never tells its state.",
    "- **就高不就低 (三(一)).** The same applicant (organisation, person or team) and matter",
    "  is never paid under two clauses: a move is refused while a rival application for that",
    "  matter under another clause is approved or paid with a higher amount; approving the",
    "  higher one supersedes the others (and releases their commitment). Applications",
    "  compete with their approved amount once a reviewer has set it, until then with the",
    "  engine's (a 二(七) ceiling at face value); an award the engine excluded at face value",
    "  is granted again when its clause wins with the amounts reviewers fixed.",
    "- **One claim, one payment.** Two applications of one applicant for the same rule and",
    "  matter are the same claim: at most one is live (a database constraint; a duplicate is",
    "  refused naming the existing application). After one was paid, a later one is granted",
    "  only what the engine now grants beyond it — a talent recognised later at a higher",
    "  level (二(五), matter `talent`) receives the difference between the two levels' reward",
    "  and housing subsidy, a team or firm with a better-ranked settling prize (二(十),",
    "  matter `settlement`) the difference between the settlement awards — and is refused",
    "  when nothing remains. A 二(七) ceiling or a 一事一议 amount was decided once: a second",
    "  application for that matter is refused. Awards of different rules of one clause stack",
    "  (housing beside the talent reward, settlement beside the prize), except that the",
    "  一事一议 settlement award replaces the standard one (二(十) \"其中\", R3): its cap is",
    "  10,000,000 less the standard award approved or paid, and a standard settlement",
    "  after an approved or paid 一事一议 one is refused. Reading: 二(五)",
    "  rewards the person \"经认定的…人才\" at the level recognised and 三(一) forbids paying",
    "  twice; the top-up pays exactly the highest level once in total.",
    "- **Who may receive it (R4).** An application for a rule the applicant's kind may not",
    "  receive (contract table \"Applicant kinds\") is refused when created and at submission",
    "  and every decision after it, with the clause's own words naming the recipient.",
    "- **Concurrency.** Every move locks the applicant first, then the application, then its",
    "  rivals (docs/design.md, \"Concurrency\"); a proposal confirmed twice returns the first",
    "  application.",
    "- **一事一议.** The industry bureau records the committee's decision (meeting reference,",
    "  date, amount within the text's cap, members, optional minutes) on the application page",
    "  or `POST /api/v1/applications/{app_id}/committee-decisions`, until the amount is fixed",
    "  (public notice onwards); review and final review then take the latest decision.",
    "- **Refusal.** `refuse` needs a reason; the clause applied for is cited in it.",
    "- **Money.** `approve` commits the amount in the special fund (二(一)), `pay` pays it",
    "  (idempotency key `award-<id>`), and `refuse`/`withdraw`/`supersede` after approval",
    "  release the commitment. The ledger's payee is the applicant's name (an organisation's",
    "  with its credit code); a person's or team's award counts in its organisation's district.",
    "- **Audit.** Every move, amount and refusal (with its reason) is written to the audit",
    "  trail.",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print or write docs/workflow.md.")
    parser.add_argument("--write", metavar="PATH", help="write the document to PATH")
    args = parser.parse_args(argv)
    text = render_markdown()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
