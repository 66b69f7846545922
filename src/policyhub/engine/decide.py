"""From candidates to awards: shared caps per matter, rounding, 就高不就低 (三(一))."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from policyhub.engine import meta
from policyhub.engine.model import Award, Candidate, MatterKey
from policyhub.engine.money import human, round_fen


def _merge(group: list[Candidate]) -> Candidate:
    """Events of one rule in one matter share that rule's cap (e.g. two fee reports)."""
    first = group[0]
    if len(group) == 1:
        return first
    figures = dict(first.figures)
    for name in first.summed:
        figures[name] = sum((c.figures[name] for c in group), type(first.figures[name])(0))
    for name in first.maxed:
        figures[name] = max(c.figures[name] for c in group)
    caps = [c.cap for c in group if c.cap is not None]
    return Candidate(
        first.rule,
        first.matter_key,
        first.matter,
        sum((c.raw for c in group), Decimal(0)),
        min(caps) if caps else None,
        sorted(i for c in group for i in c.events),
        figures,
        first.sort,
        first.summed,
        first.maxed,
    )


def _explain(c: Candidate, amount: Decimal, jump: str) -> str:
    rule, words = meta.rule(c.rule), meta.wording()
    figures: dict[str, Any] = {
        k: human(v) if isinstance(v, Decimal) else v for k, v in c.figures.items()
    }
    capped = c.cap is not None and c.raw > c.cap
    figures.update(
        cite=meta.cite(),
        clause=rule.clause,
        amount=human(amount),
        raw=human(c.raw),
        cap=human(c.cap) if c.cap is not None else "",
        capped=words["capped"].format(cap=human(c.cap)) if capped and c.cap else "",
    )
    if c.rule == "P4.milestone":
        figures["jump"] = words["jump"][jump].format(skipped=figures.get("skipped", ""))
    text = rule.explain.format(**figures)
    if len(c.events) > 1:
        listed = "、".join(str(i) for i in c.events)
        text += str(words["merged"]).format(events=listed)
    return text


def to_awards(candidates: list[Candidate], jump: str) -> list[Award]:
    groups: dict[tuple[str, MatterKey | int], list[Candidate]] = defaultdict(list)
    for c in candidates:
        per_matter = meta.rule(c.rule).per == "matter"
        groups[(c.rule, c.matter_key if per_matter else id(c))].append(c)
    awards = []
    for group in groups.values():
        c = _merge(sorted(group, key=lambda c: c.sort))
        amount = round_fen(min(c.raw, c.cap) if c.cap is not None else c.raw)
        rule = meta.rule(c.rule)
        awards.append(
            Award(
                c.rule,
                rule.clause,
                rule.group,
                c.matter_key,
                c.matter,
                amount,
                rule.ceiling,
                c.events,
                _explain(c, amount, jump),
                c.sort,
            )
        )
    awards.sort(key=lambda a: a.sort)
    return awards


def apply_dedup(awards: list[Award], scope: str) -> None:
    """就高不就低: in each unit, only the clause group with the highest sum is granted.

    The unit is one matter (`dedup_scope=matter`) or the whole request (`applicant`).
    Ties go to the lower clause number; `excluded_by` names the first-listed award of the
    winning group.
    """
    units: dict[Any, list[Award]] = defaultdict(list)
    for a in awards:
        units[a.matter_key if scope == "matter" else "all"].append(a)
    for unit in units.values():
        sums: dict[int, Decimal] = defaultdict(Decimal)
        for a in unit:
            sums[a.group] += a.amount
        if len(sums) < 2:
            continue
        winner = min(sums, key=lambda g: (-sums[g], g))
        by = next(a for a in unit if a.group == winner)
        for a in unit:
            if a.group != winner:
                a.status, a.excluded_by = "excluded", by.rule
                a.explanation += _dedup_note(scope, sums, winner, by)


def _dedup_note(scope: str, sums: dict[int, Decimal], winner: int, by: Award) -> str:
    words = meta.wording()
    clauses = {g: next(r.clause for r in meta.rules().values() if r.group == g) for g in sums}
    groups = "、".join(f"{clauses[g]}（合计{human(s)}元）" for g, s in sorted(sums.items()))
    return str(words["dedup"]).format(
        cite=meta.cite(),
        scope=scope,
        scope_name=words["scope_names"][scope],
        unit="事项" if scope == "matter" else "申请主体",
        groups=groups,
        winner=f"{clauses[winner]}（{by.rule}）",
        winner_sum=human(sums[winner]),
    )
