"""An engine decision (`policyhub.evaluate/1` response) shaped for display.

The engine's dict stays the single source of amounts and wording; this only adds what a
reader needs beside it: the rule's Chinese label, the clause to link to, and Chinese names for
the reason codes, fixed matters and options (rules.yaml), so no internal code reaches the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from policyhub.engine import meta

STATUS_LABELS: dict[str, Promise] = {
    "granted": _("核定"),
    "excluded": _("不重复扶持"),
}


@dataclass(frozen=True)
class RuleRef:
    id: str
    label: str
    clause: str  # the contract's label, 二(四)
    reference: str  # the clause id of the exact words, 政策/二/(四)#1


@dataclass(frozen=True)
class AwardRow:
    rule: RuleRef
    matter: str  # as people read it (meta.matter_name)
    amount: str
    ceiling: bool
    status: str
    status_label: str
    excluded_by: RuleRef | None
    explanation: str


@dataclass(frozen=True)
class DiscretionRow:
    rule: RuleRef
    matter: str  # as people read it
    cap: str | None
    explanation: str


@dataclass(frozen=True)
class RefusalRow:
    event_index: int
    rule: RuleRef
    reason_code: str
    reason_name: str  # the code's short Chinese name: the page shows this, never the code
    reason: str


@dataclass(frozen=True)
class DecisionView:
    applicant_name: str
    as_of: str
    options: dict[str, str]  # the decision's options, by their Chinese names
    awards: list[AwardRow]
    discretionary: list[DiscretionRow]
    ineligible: list[RefusalRow]
    total: str


def rule_ref(rule_id: str) -> RuleRef:
    try:
        rule = meta.rule(rule_id)
    except KeyError:  # a rule newer than this page: show the bare id rather than fail
        return RuleRef(rule_id, rule_id, "", "")
    return RuleRef(rule_id, rule.label, rule.clause, rule.reference)


def _award(raw: dict[str, Any]) -> AwardRow:
    status = str(raw["status"])
    excluded_by = raw.get("excluded_by")
    return AwardRow(
        rule=rule_ref(str(raw["rule"])),
        matter=meta.matter_name(str(raw.get("matter") or "")),
        amount=str(raw["amount"]),
        ceiling=bool(raw.get("ceiling")),
        status=status,
        status_label=str(STATUS_LABELS.get(status, status)),
        excluded_by=rule_ref(str(excluded_by)) if excluded_by else None,
        explanation=str(raw.get("explanation", "")),
    )


def _discretion(raw: dict[str, Any]) -> DiscretionRow:
    cap = raw.get("cap")
    return DiscretionRow(
        rule_ref(str(raw["rule"])),
        meta.matter_name(str(raw.get("matter") or "")),
        None if cap is None else str(cap),
        str(raw.get("explanation", "")),
    )


def _refusal(raw: dict[str, Any]) -> RefusalRow:
    return RefusalRow(
        int(raw["event_index"]),
        rule_ref(str(raw["rule"])),
        str(raw["reason_code"]),
        meta.reason_name(str(raw["reason_code"])),
        str(raw["reason"]),
    )


def view(decision: dict[str, Any]) -> DecisionView:
    applicant = decision.get("applicant") or {}
    return DecisionView(
        applicant_name=str(applicant.get("name") or ""),
        as_of=str(decision.get("as_of", "")),
        options=dict(
            meta.option_name(str(k), str(v)) for k, v in (decision.get("options") or {}).items()
        ),
        awards=[_award(a) for a in decision.get("awards", [])],
        discretionary=[_discretion(d) for d in decision.get("discretionary", [])],
        ineligible=[_refusal(r) for r in decision.get("ineligible", [])],
        total=str(decision["total"]),
    )
