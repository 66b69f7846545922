"""`policyhub.evaluate/1`: one applicant's facts in, one decision out.

The contract is docs/contract-evaluate.md; readings of the text are in docs/readings.md.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, localcontext
from typing import Any

from policyhub.engine import meta
from policyhub.engine.decide import apply_dedup, to_awards
from policyhub.engine.milestone import judge_revenues
from policyhub.engine.model import Award, Discretion, Refusal
from policyhub.engine.money import fmt, human
from policyhub.engine.request import Request, parse_request
from policyhub.engine.rules import JUDGES, Context, settle_ipo_stages, settle_once

CONTRACT = "policyhub.evaluate/1"


def loads(body: bytes | str) -> Any:
    """JSON with every non-integer number as Decimal, so no amount ever passes through float."""
    return json.loads(body, parse_float=Decimal)


def evaluate(raw: Any, *, today: dt.date | None = None) -> dict[str, Any]:
    """The decision for one request, or InputError naming every bad field."""
    request = parse_request(raw, today)
    # Amounts can be large and rates exact; 60 digits keeps every product exact.
    with localcontext() as ctx:
        ctx.prec = 60
        return decide(request)


def decide(request: Request) -> dict[str, Any]:
    ctx = Context.of(request)
    judge_revenues(ctx, list(request.events))
    for e in request.events:
        if e.type != "annual_revenue":
            JUDGES[e.type](ctx, e)
    settle_ipo_stages(ctx)
    settle_once(ctx)
    awards = to_awards(ctx.out.candidates, request.milestone_jump)
    apply_dedup(awards, request.dedup_scope)
    granted: dict[str, Decimal] = {}
    for a in awards:
        if a.status == "granted":
            granted[a.rule] = granted.get(a.rule, Decimal(0)) + a.amount
    refusals = sorted(ctx.out.refusals, key=lambda r: (r.event_index, meta.rule(r.rule).order))
    total = sum((a.amount for a in awards if a.status == "granted"), Decimal(0))
    return {
        "contract": CONTRACT,
        "as_of": request.as_of.isoformat(),
        "applicant": {"id": request.applicant.id, "name": request.applicant.name},
        "options": {"dedup_scope": request.dedup_scope, "milestone_jump": request.milestone_jump},
        "awards": [_award(a) for a in awards],
        "discretionary": [_discretion(d, granted) for d in ctx.out.discretions],
        "ineligible": [_refusal(ctx, r) for r in refusals],
        "total": fmt(total),
    }


def _award(a: Award) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": a.rule,
        "clause": a.clause,
        "matter": a.matter,
        "amount": fmt(a.amount),
        "ceiling": a.ceiling,
        "status": a.status,
    }
    if a.excluded_by:
        out["excluded_by"] = a.excluded_by
    out["explanation"] = a.explanation
    out["events"] = a.events
    return out


def _discretion(d: Discretion, granted: dict[str, Decimal]) -> dict[str, Any]:
    """A case-by-case item. Where its cap includes a standard award (`cap_less`, R3), the cap
    is the text's less that award as granted in this decision, never below 0."""
    rule, words = meta.rule(d.rule), meta.wording()
    cap = d.cap
    if cap is None:
        cap_text = words["cap_text_none"]
    elif rule.cap_less is not None:
        less = granted.get(rule.cap_less, Decimal(0))
        total, cap = cap, max(cap - less, Decimal(0))
        cap_text = words["cap_text_less"].format(
            total=human(total), granted=human(less), cap=human(cap)
        )
    else:
        cap_text = words["cap_text_some"].format(cap=human(cap))
    return {
        "rule": d.rule,
        "clause": rule.clause,
        "matter": d.matter,
        "cap": fmt(cap) if cap is not None else None,
        "event_index": d.event_index,
        "explanation": rule.explain.format(cite=meta.cite(), clause=rule.clause, cap_text=cap_text),
    }


def _refusal(ctx: Context, r: Refusal) -> dict[str, Any]:
    words, rule = meta.wording(), meta.rule(r.rule)
    missing = "、".join(
        text
        for flag, text in words["scope_flags"].items()
        if not getattr(ctx.request.applicant, flag)
    )
    figures = {
        "cite": meta.cite(),
        "clause": rule.clause,
        "start": ctx.start.isoformat(),
        "end": ctx.end.isoformat(),
        "years": (ctx.end.year - ctx.start.year),
        "missing": missing,
        "kind_name": meta.name("kind", ctx.request.applicant.kind),
        "recipient": rule.recipient,
        **r.figures,
    }
    return {
        "event_index": r.event_index,
        "rule": r.rule,
        "reason_code": r.code,
        "reason": words["reasons"][r.code].format(**figures) + r.note,
    }
