"""An engine decision (`policyhub.evaluate/1` response) shaped for display.

The engine's dict stays the single source of amounts and wording; this only adds what a
reader needs beside it: the rule's Chinese label, the clause to link to, and Chinese names for
the reason codes, matters and options (rules.yaml, web.labels), so no internal code reaches the
page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from policyhub.engine import meta
from policyhub.web.labels import matter_label, option_reading, readable

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
    matter: str  # as a person names it (web.labels.matter_label)
    amount: str
    ceiling: bool
    status: str
    status_label: str
    excluded_by: RuleRef | None
    explanation: str
    key: str = ""  # rule|matter as the engine names them: what 申报此项 applies for


@dataclass(frozen=True)
class DiscretionRow:
    rule: RuleRef
    matter: str
    cap: str | None
    explanation: str


@dataclass(frozen=True)
class RefusalRow:
    event_index: int
    rule: RuleRef
    reason_code: str  # kept for code; pages show reason_name and reason, never the code
    reason_name: str  # the code's short Chinese name (rules.yaml reason_names)
    reason: str
    event: str = ""  # the event as a person names it

    @property
    def number(self) -> int:
        """The event's number as people count, from 1."""
        return self.event_index + 1


@dataclass(frozen=True)
class DecisionView:
    applicant_name: str
    as_of: str
    options: dict[str, str]
    option_readings: list[str]
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


Events = list[dict[str, Any]] | None


def _award(raw: dict[str, Any], events: Events = None) -> AwardRow:
    status = str(raw["status"])
    excluded_by = raw.get("excluded_by")
    return AwardRow(
        rule=rule_ref(str(raw["rule"])),
        matter=matter_label(str(raw.get("matter") or ""), events),
        amount=str(raw["amount"]),
        ceiling=bool(raw.get("ceiling")),
        status=status,
        status_label=str(STATUS_LABELS.get(status, status)),
        excluded_by=rule_ref(str(excluded_by)) if excluded_by else None,
        explanation=readable(str(raw.get("explanation", ""))),
        key=f"{raw['rule']}|{raw.get('matter') or ''}",
    )


def _discretion(raw: dict[str, Any], events: Events = None) -> DiscretionRow:
    cap = raw.get("cap")
    return DiscretionRow(
        rule_ref(str(raw["rule"])),
        matter_label(str(raw.get("matter") or ""), events),
        None if cap is None else str(cap),
        readable(str(raw.get("explanation", ""))),
    )


def _refusal(raw: dict[str, Any], events: Events = None) -> RefusalRow:
    index = int(raw["event_index"])
    return RefusalRow(
        index,
        rule_ref(str(raw["rule"])),
        str(raw["reason_code"]),
        meta.reason_name(str(raw["reason_code"])),
        readable(str(raw["reason"])),
        matter_label(f"event-{index}", events),
    )


def view(decision: dict[str, Any], events: Events = None) -> DecisionView:
    """`events`: the request's events, when the caller has them, to name each matter."""
    applicant = decision.get("applicant") or {}
    options = {str(k): str(v) for k, v in (decision.get("options") or {}).items()}
    return DecisionView(
        applicant_name=str(applicant.get("name") or ""),
        as_of=str(decision.get("as_of", "")),
        options=options,
        option_readings=[option_reading(k, v) for k, v in options.items()],
        awards=[_award(a, events) for a in decision.get("awards", [])],
        discretionary=[_discretion(d, events) for d in decision.get("discretionary", [])],
        ineligible=[_refusal(r, events) for r in decision.get("ineligible", [])],
        total=str(decision["total"]),
    )
