"""就高不就低 (政策三(一)) across applications: one matter is never paid under two clauses.

The engine applies the rule inside one decision; this module applies it across the
applications one applicant (an organisation, a talent or a team) files for the same matter
under different clauses. The
higher amount wins, a tie goes to the lower clause number (as in the engine), and an
award already paid always wins (its money is out).
"""

from __future__ import annotations

from decimal import Decimal

from policyhub import policytext
from policyhub.applications import workflow
from policyhub.applications.models import Application
from policyhub.engine import meta

RULE_CLAUSE = "政策/三/(一)"
COMPETING_STATES = (*workflow.OPEN_STATES, "paid")


def rivals(app: Application) -> list[Application]:
    """Applications of the same applicant (whatever its kind) and matter under another clause.
    一事一议 items take no part (as in the engine's dedup)."""
    if app.discretionary:
        return []
    qs = (Application.objects.select_for_update().same_matter(app)
          .filter(state__in=COMPETING_STATES, discretionary=False).exclude(clause=app.clause))
    return list(qs)


def value(app: Application) -> Decimal:
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
