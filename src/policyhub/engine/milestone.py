"""二(四) 企业“上台阶”奖励: revenue first reaching a threshold in a covered fiscal year.

A threshold is *first reached* in year Y when revenue(Y) >= threshold and every earlier
supplied year was below it ("突破" read as reaching or exceeding). Year Y is covered when
its accounts close (Y-12-31) inside the validity window. The awards of year Y belong to the
matter `revenue-Y` (rules.yaml). The general gates after `future_event` (kind, scope, validity)
apply only to a year that newly reaches or climbs back over a threshold.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from policyhub.engine.money import human
from policyhub.engine.request import Event
from policyhub.engine.rules import Context, pv

RULE = "P4.milestone"


def thresholds_at(e: Event) -> list[dict[str, Any]]:
    assert e.date is not None
    steps: list[dict[str, Any]] = pv("p4_enterprises.milestones", e.date)
    return steps


def judge_revenues(ctx: Context, events: list[Event]) -> None:
    revenue = sorted((e for e in events if e.type == "annual_revenue"), key=lambda e: e["year"])
    history: list[Event] = []
    for e in revenue:
        assert e.date is not None
        if e.date > ctx.request.as_of:
            ctx.refuse(
                e,
                (RULE,),
                "future_event",
                date=e.date.isoformat(),
                as_of=ctx.request.as_of.isoformat(),
            )
            continue
        _judge_year(ctx, e, history)
        history.append(e)


def _judge_year(ctx: Context, e: Event, history: list[Event]) -> None:
    amount: Decimal = e["amount"]
    newly, again = [], []
    for i, step in enumerate(thresholds_at(e)):
        t = step["threshold"]
        if amount < t:
            continue
        earlier = [h for h in history if h["amount"] >= t]
        if not earlier:
            newly.append((i, step))
        elif history[-1]["amount"] < t:
            again.append((step, earlier[0]["year"]))
    if not newly and not again:
        return  # a year that reaches nothing new gives no entry
    assert e.date is not None
    if ctx.gated(e, (RULE,)):
        return
    _grant_newly(ctx, e, newly, history)
    if again:
        ctx.refuse(
            e,
            (RULE,),
            "not_first_crossing",
            year=e["year"],
            revenue=human(amount),
            thresholds="、".join(human(s["threshold"]) for s, _ in again),
            first_years="、".join(str(y) for _, y in again),
        )


def _grant_newly(
    ctx: Context, e: Event, newly: list[tuple[int, dict[str, Any]]], history: list[Event]
) -> None:
    mode = ctx.request.milestone_jump
    chosen = newly[-1:] if mode == "highest" else newly
    skipped = "、".join(human(s["threshold"]) for _, s in newly[:-1]) if mode == "highest" else ""
    shown = "、".join(f"{h['year']}年{human(h['amount'])}元" for h in history) or "（无）"
    for i, step in chosen:
        ctx.grant(
            e,
            RULE,
            step["amount"],
            sub=i,
            year=e["year"],
            revenue=e["amount"],
            threshold=step["threshold"],
            history=shown,
            jump_mode=mode,
            skipped=f"，未另行奖励{skipped}元档" if skipped else "",
        )
