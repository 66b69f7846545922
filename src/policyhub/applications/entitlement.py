"""What the engine grants for one (rule, matter), computed from registry facts on a day.

The only place this app builds an engine request, so swapping in the registry's
`policyhub.registry.facts.request_for` (when it exists) touches one function.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policyhub.engine import evaluate, meta
from policyhub.registry.models import Organisation, Person, Team

Applicant = Organisation | Person | Team

RequestFor = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Entitlement:
    """The engine's word on one rule and matter. `status`: granted, excluded, discretionary
    or none (the engine grants nothing for it; `explanation` then says why)."""

    rule: str
    matter: str
    status: str
    amount: Decimal | None  # the amount, or for 二(七) the ceiling; None for 一事一议
    ceiling: bool
    cap: Decimal | None  # 一事一议: the text's cap, None where it gives none
    explanation: str
    decision: dict[str, Any]
    # What earlier applications of the same (applicant, rule, matter) were paid: `amount`
    # is then only what remains (competition.less_paid).
    paid_before: Decimal = Decimal(0)

    @property
    def granted(self) -> bool:
        return self.status in ("granted", "discretionary")


def registry_request_for() -> RequestFor | None:
    """The registry's request builder, once the registry issue has delivered it."""
    try:
        module = importlib.import_module("policyhub.registry.facts")
    except ImportError:
        return None
    found: RequestFor | None = getattr(module, "request_for", None)
    return found


def applicant_request(applicant: Applicant, events: list[dict[str, Any]],
                      as_of: dt.date) -> dict[str, Any]:
    """A policyhub.evaluate/1 request: the registry's facts about `applicant` (an
    organisation, a talent or a team) as of `as_of`, plus `events` (facts an application
    brings that the registry does not hold yet).

    Every registry event of the applicant goes in, not only the application's own: the
    engine then applies 就高不就低 across the applicant's clauses itself."""
    request_for = registry_request_for()
    if request_for is not None:
        request = request_for(applicant, as_of=as_of)
        request["events"] = [*request["events"], *events]
        return request
    if not isinstance(applicant, Organisation):
        raise RuntimeError("people and teams need policyhub.registry.facts.request_for")
    return _bare_request(applicant, events, as_of)


def organisation_request(org: Organisation, events: list[dict[str, Any]],
                         as_of: dt.date) -> dict[str, Any]:
    """`applicant_request` for an organisation (the demo loader's name for it)."""
    return applicant_request(org, events, as_of)


def _bare_request(org: Organisation, events: list[dict[str, Any]],
                  as_of: dt.date) -> dict[str, Any]:
    # Before the registry's builder existed: the scope flags and the application's events.
    return {
        "as_of": as_of.isoformat(),
        "applicant": {
            "id": org.credit_code, "kind": org.kind, "name": org.name,
            "credit_code": org.credit_code,
            "registered_in_changsha": org.registered_in_changsha,
            "taxed_in_changsha": org.taxed_in_changsha,
            "cybersecurity_business": org.cybersecurity_business,
        },
        "events": events,
    }


def entitlement(applicant: Applicant, rule: str, matter: str, events: list[dict[str, Any]],
                as_of: dt.date) -> Entitlement:
    decision = evaluate(applicant_request(applicant, events, as_of))
    return find(decision, rule, matter)


def find(decision: dict[str, Any], rule: str, matter: str) -> Entitlement:
    """The entry of `decision` for (rule, matter); status none with the engine's reason."""
    for a in decision["awards"]:
        if (a["rule"], a["matter"]) == (rule, matter):
            why = a["explanation"]
            if a["status"] == "excluded":
                why = f"按“就高不就低”（三(一)）由{a.get('excluded_by', '')}替代：{why}"
            return Entitlement(rule, matter, a["status"], Decimal(a["amount"]), a["ceiling"],
                               None, why, decision)
    for d in decision["discretionary"]:
        if (d["rule"], d["matter"]) == (rule, matter):
            cap = Decimal(d["cap"]) if d["cap"] is not None else None
            return Entitlement(rule, matter, "discretionary", None, False, cap,
                               d["explanation"], decision)
    reasons = [r["reason"] for r in decision["ineligible"] if r["rule"] == rule]
    why = "；".join(reasons) or f"登记事实中没有规则{rule}、事项“{matter}”可核定的奖补"
    return Entitlement(rule, matter, "none", None, False, None, why, decision)


def kind_refusal(applicant: Applicant, rule: str) -> str | None:
    """Why `applicant`'s kind may not receive `rule` at all (contract Revision 2, R4, table
    "Applicant kinds", read from the engine's rules.yaml), in the engine's own words; None
    when it may. Discretionary rules included, which the engine then does not list."""
    spec = meta.rule(rule)
    kind = applicant_kind(applicant)
    if kind in spec.kinds:
        return None
    template: str = meta.wording()["reasons"]["applicant_kind"]
    return template.format(cite=meta.cite(), clause=spec.clause, recipient=spec.recipient,
                           kind_name=meta.name("kind", kind))


def applicant_kind(applicant: Applicant) -> str:
    """The contract's `applicant.kind`: an organisation's kind, `person` or `team`."""
    if isinstance(applicant, Organisation):
        return str(applicant.kind)
    return "person" if isinstance(applicant, Person) else "team"


def snapshot(ent: Entitlement) -> dict[str, Any]:
    """What a history row keeps of a decision: the whole engine output plus what we read."""
    return {"as_of": ent.decision.get("as_of"), "status": ent.status,
            "amount": None if ent.amount is None else str(ent.amount),
            "cap": None if ent.cap is None else str(ent.cap), "ceiling": ent.ceiling,
            "explanation": ent.explanation, "paid_before": str(ent.paid_before),
            "engine": ent.decision}
