"""就高不就低 (政策三(一)) across applications: one matter is never paid twice.

The engine applies the rule inside one decision; this module applies it across the
applications one applicant (an organisation, a talent or a team) files for the same matter:

- under different clauses (`rivals`, `beats`): the higher amount wins — the approved amount
  once a reviewer has fixed it, until then the engine's (a 二(七) ceiling at face value) —
  a tie goes to the lower clause number (as in the engine), and an award already paid
  always wins (its money is out);
- under the same rule (`less_paid`): it is the same claim. Two cannot be live at once (the
  database's constraint one_live_application_*); after one was paid, a later one pays only
  what the engine now grants beyond it (a higher talent level, a better-ranked settling
  prize, more fees within a platform's cap) and is refused when nothing remains. A ceiling
  (二(七)) or a 一事一议 amount was decided once for its matter: a second is refused.

Awards of different rules of one clause stack (the housing subsidy beside the talent
reward, the settlement award beside the prize), as in the engine.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from policyhub import policytext
from policyhub.applications import workflow
from policyhub.applications.entitlement import Entitlement
from policyhub.applications.models import Application, of_applicant
from policyhub.engine import meta

RULE_CLAUSE = "政策/三/(一)"
COMPETING_STATES = (*workflow.OPEN_STATES, "paid")
HOLDING = ("approved", "paid")  # money committed or paid out


def rivals(app: Application) -> list[Application]:
    """Applications of the same applicant (whatever its kind) and matter under another clause
    group, locked in primary-key order in one statement (rank 3 of concurrency.py's lock
    order, after the applicant's lock). 一事一议 items take no part (as in the engine)."""
    if app.discretionary:
        return []
    group = meta.rule(app.rule).group
    qs = (Application.objects.select_for_update().same_matter(app)
          .filter(state__in=COMPETING_STATES, discretionary=False).order_by("pk"))
    return [r for r in qs if meta.rule(r.rule).group != group]


def value(app: Application) -> Decimal:
    """What `app` competes with: the approved amount once a reviewer has set it, else the
    engine's amount (a 二(七) ceiling at its face value)."""
    return app.approved_amount or app.entitled_amount or Decimal(0)


def beats(a: Application, b: Application) -> bool:
    """Whether `a` wins the matter over `b`."""
    if a.state == "paid" or b.state == "paid":
        return a.state == "paid"
    group_a, group_b = meta.rule(a.rule).group, meta.rule(b.rule).group
    return (value(a), -group_a) > (value(b), -group_b)


def reason(winner: Application, loser: Application) -> str:
    return (f"同一主体（{winner.applicant_name}）同一事项“{loser.matter}”已按{winner.clause}"
            f"申报（编号{winner.pk}，{winner.state_label}，金额{value(winner)}元），高于按{loser.clause}申报的"
            f"{value(loser)}元；依据{policytext.cite(RULE_CLAUSE)}“就高不就低”，不重复给予扶持")


def blocking(app: Application, *, approving: bool) -> Application | None:
    """A rival that stops `app` from moving on: one that wins and already holds money, or,
    when approving, any rival that wins."""
    for r in rivals(app):
        if beats(r, app) and (approving or r.state in ("approved", "paid")):
            return r
    return None


def beaten_by(app: Application) -> list[Application]:
    """The rivals `app` wins over: superseded when `app` is approved."""
    return [r for r in rivals(app) if beats(app, r)]


def reconsider(app: Application, ent: Entitlement) -> Entitlement:
    """Re-run the engine's 就高不就低 with the amounts reviewers have fixed (contract, "Dedup
    inputs"): the engine compares a 二(七) ceiling at face value; once the applicant's
    application for an award has an approved amount, that amount competes instead. An
    award the engine excluded is granted again when its clause group now wins (and then
    meets the other applications in `rivals`)."""
    if ent.status != "excluded":
        return ent
    per_matter = ent.decision.get("options", {}).get("dedup_scope", "matter") == "matter"
    unit = [a for a in ent.decision["awards"] if not per_matter or a["matter"] == app.matter]
    fixed = {(r.rule, r.matter): r.approved_amount for r in
             Application.objects.filter(**of_applicant(app.applicant),
                                        state__in=COMPETING_STATES,
                                        approved_amount__isnull=False)
             if r.approved_amount is not None}
    if app.approved_amount is not None:
        fixed[(app.rule, app.matter)] = app.approved_amount
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for a in unit:
        sums[meta.rule(a["rule"]).group] += fixed.get((a["rule"], a["matter"]),
                                                      Decimal(a["amount"]))
    own = meta.rule(app.rule).group
    if min(sums, key=lambda g: (-sums[g], g)) != own:
        return ent
    return replace(ent, status="granted", explanation=(
        f"{ent.explanation}；按审核确定的金额重新比较（合计{sums[own]}元），{app.clause}较高，"
        f"依据{policytext.cite(RULE_CLAUSE)}“就高不就低”予以核定"))


def less_paid(app: Application, ent: Entitlement) -> Entitlement:
    """The same claim paid before (same applicant, rule and matter): only what the engine
    now grants beyond it remains; nothing remains for a ceiling, a 一事一议 item, or when
    the engine grants no more than was paid. Then R3's "其中" across applications
    (`replacing`)."""
    ent = replacing(app, ent)
    paid = _paid(app, rule=app.rule, matter=app.matter)
    if not paid or not ent.granted:
        return ent
    total = _sum(paid)
    label = meta.rule(app.rule).label
    said = (f"同一主体（{app.applicant_name}）同一事项“{app.matter}”已按{app.clause}“{label}”"
            f"拨付{total}元（{_numbers(paid)}）")
    left = None if ent.amount is None else ent.amount - total
    if ent.status == "discretionary" or ent.ceiling or left is None or left <= 0:
        why = ("该事项的金额已经审核确定" if ent.status == "discretionary" or ent.ceiling
               else f"按今日事实核定{ent.amount}元，不高于已拨付金额")
        return replace(ent, status="none", amount=None, paid_before=total,
                       explanation=f"{said}，{why}；{_once()}，不再拨付")
    return replace(ent, amount=left, paid_before=total,
                   explanation=f"{ent.explanation}；{said}，{_once()}，本次只核定差额{left}元")


def replacing(app: Application, ent: Entitlement) -> Entitlement:
    """R3 "其中…一事一议…落户奖励": the case-by-case settlement award replaces the standard
    one. Its cap is the text's less the standard award already approved or paid (the engine
    deducts only the one granted in its own decision); a standard award after a
    case-by-case one was approved or paid is refused."""
    spec = meta.rule(app.rule)
    if spec.cap_less is not None and ent.cap is not None:
        paid = _paid(app, rule=spec.cap_less, states=HOLDING)
        granted = sum((Decimal(a["amount"]) for a in ent.decision.get("awards", [])
                       if a["rule"] == spec.cap_less and a["status"] == "granted"), Decimal(0))
        if _sum(paid) > granted:
            cap = max(Decimal(0), ent.cap + granted - _sum(paid))
            return replace(ent, cap=cap, paid_before=_sum(paid), explanation=(
                f"{ent.explanation}；已批准或拨付{meta.rule(spec.cap_less).label}{_sum(paid)}元"
                f"（{_numbers(paid)}），一事一议落户奖励替代而非叠加，上限为{cap}元"))
    replacers = [r.id for r in meta.rules().values() if r.cap_less == app.rule]
    paid = [a for rid in replacers for a in _paid(app, rule=rid, states=HOLDING)]
    if paid and ent.granted:
        return replace(ent, status="none", amount=None, paid_before=_sum(paid), explanation=(
            f"同一主体（{app.applicant_name}）已按一事一议批准或拨付落户奖励{_sum(paid)}元"
            f"（{_numbers(paid)}），该奖励替代标准落户支持；{_once()}，不再拨付"))
    return ent


def _paid(app: Application, *, rule: str, matter: str | None = None,
          states: tuple[str, ...] = ("paid",)) -> list[Application]:
    """The applicant's other applications of `rule` (and `matter`) holding money."""
    qs = Application.objects.filter(**of_applicant(app.applicant), rule=rule,
                                    state__in=states)
    if matter is not None:
        qs = qs.filter(matter=matter)
    return list(qs.exclude(pk=app.pk).order_by("pk"))


def _sum(apps: list[Application]) -> Decimal:
    return sum((a.approved_amount or Decimal(0) for a in apps), Decimal(0))


def _numbers(apps: list[Application]) -> str:
    return "、".join(f"编号{a.pk}" for a in apps)


def _once() -> str:
    return f"依据{policytext.cite(RULE_CLAUSE)}“不重复给予扶持”"
