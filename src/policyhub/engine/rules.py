"""The rules of 《若干政策》二、支持政策: one function per event type.

Each function judges one event and returns the amounts it would grant (Candidates), the
reasons it grants nothing (Refusals) or the case-by-case items it opens (Discretions).
Gates run first and in the contract's order: future_event, applicant_kind, out_of_scope,
outside_validity, then the rule's own conditions. Amounts come from the dated parameters at the
event date. Which kinds a rule pays, the matters fixed by the text and the rules paid once per
applicant are read from rules.yaml (contract Revision 2, R1-R5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from policyhub.engine import meta
from policyhub.engine.model import Candidate, Discretion, MatterKey, Refusal
from policyhub.engine.money import human, percent
from policyhub.engine.params import param
from policyhub.engine.request import Event, Fee, Request

# Competition prizes go to every winner (二(十) is exempt from the scope of 一); the same
# holds for its exceptional settlement award.
SCOPE_EXEMPT = frozenset({"P10.prize", "P10.settlement", "P10.exceptional_settlement"})


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day `years` later; 29 February becomes 1 March in a common year."""
    if day.year + years > dt.MAXYEAR:
        return dt.date.max  # a window that never closes within the calendar
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def pv(name: str, when: dt.date) -> Any:
    """A parameter at `when`; before the policy took effect, its first version (only used to
    judge history and to word refusals, never to pay)."""
    p = param(name)
    return p.at(max(when, p.starts[0]))


def matter_of(e: Event, rule: str | None = None, **figures: Any) -> tuple[MatterKey, str]:
    """The matter of an award: the one the text fixes for its rule (`leading-firm`, `talent`,
    `settlement`, `revenue-Y`), else the event's own; an unlabelled event is `event-<index>`
    in a namespace of its own."""
    fixed = meta.rule(rule).matter if rule is not None else None
    if fixed is not None:
        label = fixed.format(**figures)
        return ("m", label), label
    if e.matter is not None:
        return ("m", e.matter), e.matter
    return ("e", str(e.index)), f"event-{e.index}"


@dataclass
class Outcome:
    candidates: list[Candidate] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    discretions: list[Discretion] = field(default_factory=list)


@dataclass
class Context:
    request: Request
    start: dt.date
    end: dt.date
    out: Outcome = field(default_factory=Outcome)

    @classmethod
    def of(cls, request: Request) -> Context:
        start = param("policy.validity_start").periods()[-1][1]
        years = int(param("policy.validity_years").periods()[-1][1])
        return cls(request, start, add_years(start, years) - dt.timedelta(days=1))

    def covered(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def gate(self, day: dt.date, rule: str) -> tuple[str, dict[str, Any]] | None:
        """The first general reason (in the contract's order) that `rule` cannot pay."""
        figures = {"date": day.isoformat(), "as_of": self.request.as_of.isoformat()}
        if day > self.request.as_of:
            return "future_event", figures
        if self.request.applicant.kind not in meta.rule(rule).kinds:
            return "applicant_kind", figures
        if rule not in SCOPE_EXEMPT and not self.request.applicant.in_scope:
            return "out_of_scope", figures
        if not self.covered(day):
            return "outside_validity", figures
        return None

    def refuse(self, e: Event, rules: tuple[str, ...], code: str, **figures: Any) -> None:
        for rid in rules:
            self.out.refusals.append(Refusal(e.index, rid, code, figures))

    def gated(self, e: Event, rules: tuple[str, ...]) -> bool:
        """Refuse every rule of `e` for which a general gate applies, each with its own first
        reason; True when one did (the rules of one event share kinds and scope exemption)."""
        assert e.date is not None
        refused = False
        for rid in rules:
            reason = self.gate(e.date, rid)
            if reason is not None:
                self.refuse(e, (rid,), reason[0], **reason[1])
                refused = True
        return refused

    def grant(
        self,
        e: Event,
        rule: str,
        raw: Decimal,
        cap: Decimal | None = None,
        summed: tuple[str, ...] = (),
        sub: int = 0,
        **figures: Any,
    ) -> None:
        key, label = matter_of(e, rule, **figures)
        self.out.candidates.append(
            Candidate(
                rule,
                key,
                label,
                raw,
                cap,
                [e.index],
                figures,
                (e.index, meta.rule(rule).order, sub),
                summed,
            )
        )


def _rate_award(
    ctx: Context, e: Event, rule: str, base_field: str, prefix: str, figure: str, summed_base: str
) -> None:
    """X% of a cost, capped per matter: 二(二) construction, 二(四) leading firm, 二(九)."""
    day = e.date
    assert day is not None
    rate, cap = pv(f"{prefix}_rate", day), pv(f"{prefix}_cap", day)
    base: Decimal = e[base_field]
    figures: dict[str, Any] = {figure: base, "rate": percent(rate)}
    ctx.grant(e, rule, base * rate, cap, summed=(summed_base,), **figures)


def platform_construction(ctx: Context, e: Event) -> None:
    rule = "P2.construction"
    if ctx.gated(e, (rule,)):
        return
    if not e["major_public_platform"]:
        ctx.refuse(e, (rule,), "not_major_platform")
        return
    _rate_award(ctx, e, rule, "construction_cost", "p2_platforms.construction", "cost", "cost")


def _fee_reason(ctx: Context, e: Event, day: dt.date, window_end: dt.date) -> str | None:
    gate = ctx.gate(day, "P2.service_fees")
    if gate:
        return gate[0]
    if not e["major_public_platform"]:
        return "not_major_platform"
    if not e["operation_start"] <= day < window_end:
        return "beyond_operation_window"
    return None


FEE_ORDER = (
    "future_event",
    "applicant_kind",
    "out_of_scope",
    "outside_validity",
    "not_major_platform",
    "beyond_operation_window",
)


def platform_service_fees(ctx: Context, e: Event) -> None:
    rule, start = "P2.service_fees", e["operation_start"]
    years = int(pv("p2_platforms.service_fee_years", start))
    end = add_years(start, years)
    ok: list[tuple[str | None, Fee]] = []
    failed: list[tuple[str, Fee]] = []
    for fee in e["fees"]:
        reason = _fee_reason(ctx, e, fee.date, end)
        if reason:
            failed.append((reason, fee))
        else:
            ok.append((None, fee))
    window = {"win_years": years, "win_start": start.isoformat(), "win_end": end.isoformat()}
    if failed:
        code, first = min(failed, key=lambda rf: (FEE_ORDER.index(rf[0]), rf[1].index))
        listed = "、".join(
            f"fees[{f.index}]（{f.date.isoformat()}）" for r, f in failed if r == code
        )
        others = "、".join(
            f"fees[{f.index}]（{f.date.isoformat()}，{meta.reason_name(r)}）"
            for r, f in failed
            if r != code
        )
        ctx.refuse(
            e,
            (rule,),
            code,
            date=first.date.isoformat(),
            as_of=ctx.request.as_of.isoformat(),
            fees=listed,
            **window,
        )
        if others:  # one entry per event, but the reviewer still sees every refused fee
            ctx.out.refusals[-1].note = f"另有不予补贴的费用：{others}。"
    if ok:
        day = ok[0][1].date
        rate = pv("p2_platforms.service_fee_rate", day)
        total = sum((f.amount for _, f in ok), Decimal(0))
        ctx.grant(
            e,
            rule,
            total * rate,
            pv("p2_platforms.service_fee_cap", day),
            summed=("fees", "count"),
            fees=total,
            count=len(ok),
            **window,
        )


def leading_firm(ctx: Context, e: Event) -> None:
    rule = "P4.leading_firm"
    if ctx.gated(e, (rule,)):
        return
    assert e.date is not None
    threshold = pv("p4_enterprises.leading_firm_paid_in_threshold", e.date)
    if e["paid_in_capital"] < threshold:
        ctx.refuse(
            e,
            (rule,),
            "below_threshold",
            figure="实际到资金额",
            value=human(e["paid_in_capital"]),
            threshold=human(threshold),
        )
        return
    if not e["schedule_met"]:
        ctx.refuse(e, (rule,), "schedule_not_met")
        return
    _rate_award(
        ctx,
        e,
        rule,
        "completed_investment",
        "p4_enterprises.leading_firm",
        "completed",
        "completed",
    )
    ctx.out.candidates[-1].figures.update(paid_in=e["paid_in_capital"], threshold=threshold)
    ctx.out.candidates[-1].maxed = ("paid_in",)  # a state of the firm, not added up


def talent_recognition(ctx: Context, e: Event) -> None:
    rules = ("P5.talent_reward", "P5.housing")
    if ctx.gated(e, rules):
        return
    assert e.date is not None
    level, price = e["level"], e["housing_price_per_m2"]
    level_name = meta.name("level", level)
    ctx.grant(
        e,
        rules[0],
        pv("p5_talents.talent_reward", e.date)[level],
        level=level,
        level_name=level_name,
        date=e.date,
    )
    area = pv("p5_talents.housing_area", e.date)[level]
    ctx.grant(
        e,
        rules[1],
        area * price,
        level=level,
        level_name=level_name,
        area=human(area),
        price=human(price),
        date=e.date,
    )


def _by_category(rule: str, name: str) -> Callable[[Context, Event], None]:
    def judge(ctx: Context, e: Event) -> None:
        if ctx.gated(e, (rule,)):
            return
        assert e.date is not None
        ctx.grant(e, rule, pv(name, e.date)[e["category"]], category=e["category"])

    return judge


def civil_military_team_project(ctx: Context, e: Event) -> None:
    rule = "P5.civil_military_team"
    if ctx.gated(e, (rule,)):
        return
    assert e.date is not None
    ctx.grant(e, rule, pv("p5_talents.civil_military_team", e.date))


def standard_led(ctx: Context, e: Event) -> None:
    rule = "P6.standard"
    if ctx.gated(e, (rule,)):
        return
    assert e.date is not None
    amounts = pv("p6_standards.standard", e.date)
    level, revision = e["level"], e["revision"]
    if not isinstance(level, str) or level not in amounts:
        ctx.refuse(e, (rule,), "unsupported_level", level=level)
        return
    if revision and level in meta.rule(rule).drafting_only:
        ctx.refuse(e, (rule,), "local_revision", level_name=meta.name("standard_level", level))
        return
    ctx.grant(
        e,
        rule,
        amounts[level],
        level_name=meta.name("standard_level", level),
        action=meta.name("standard_action", revision),
    )


def project_investment(ctx: Context, e: Event) -> None:
    rule = "P7.project"
    if ctx.gated(e, (rule,)):
        return
    assert e.date is not None
    threshold = pv("p7_projects.project_threshold", e.date)
    if e["total_investment"] < threshold:
        ctx.refuse(
            e,
            (rule,),
            "below_threshold",
            figure="项目投资规模",
            value=human(e["total_investment"]),
            threshold=human(threshold),
        )
        return
    _rate_award(ctx, e, rule, "actual_investment", "p7_projects.project", "actual", "actual")
    ctx.out.candidates[-1].figures.update(
        total=e["total_investment"],
        threshold=threshold,
        kind_name=meta.name("project_kind", e["kind"]),
    )
    # Each report states the project's total investment: shown once (the highest reported),
    # never added up over the reports of one project.
    ctx.out.candidates[-1].maxed = ("total",)


def ipo_stage(ctx: Context, e: Event) -> None:
    """Stages are paid once per applicant; duplicates are settled in `settle_ipo_stages`."""
    rule = "P8.ipo"
    if ctx.gated(e, (rule,)):
        return
    assert e.date is not None
    ctx.grant(
        e,
        rule,
        pv("p8_ipo.ipo_stage", e.date)[e["stage"]],
        stage=e["stage"],
        stage_name=meta.name("stage", e["stage"]),
        total=human(pv("p8_ipo.ipo_total", e.date)),
        date=e.date,
    )


def pk_demo_project(ctx: Context, e: Event) -> None:
    rule = "P9.pk_demo"
    if ctx.gated(e, (rule,)):
        return
    if not e["selected"]:
        ctx.refuse(e, (rule,), "not_selected")
        return
    _rate_award(ctx, e, rule, "rd_investment", "p9_pk_demo.pk_demo", "rd", "rd")


def competition_prize(ctx: Context, e: Event) -> None:
    rules = ("P10.prize", "P10.settlement") if e["settles_in_changsha"] else ("P10.prize",)
    if ctx.gated(e, rules):
        return
    assert e.date is not None
    rank, rank_name = e["rank"], meta.name("rank", e["rank"])
    ctx.grant(e, rules[0], pv("p10_competition.prize", e.date)[rank], rank_name=rank_name)
    if len(rules) == 2:
        ctx.grant(
            e,
            rules[1],
            pv("p10_competition.settlement", e.date)[rank],
            rank=rank,
            rank_name=rank_name,
            date=e.date,
        )


DISCRETIONARY_CAPS = {
    "P3.cluster_park": "p3_cluster_parks.cluster_park_cap",
    "P5.leader_project": "p5_talents.leader_project_cap",
    "P5.major_contribution": "p5_talents.major_contribution_cap",
    "P7.major_project": "p7_projects.major_project_cap",
    "P10.exceptional_settlement": "p10_competition.exceptional_settlement_cap",
}


def discretionary(ctx: Context, e: Event) -> None:
    rule = e["rule"]
    assert e.date is not None
    reason = ctx.gate(e.date, rule)
    if reason is not None and reason[0] == "applicant_kind":
        return  # the text offers this item to other kinds only: nothing to list (contract)
    if ctx.gated(e, (rule,)):
        return
    assert e.date is not None
    ctx.out.discretions.append(
        Discretion(e.index, rule, matter_of(e)[1], pv(DISCRETIONARY_CAPS[rule], e.date))
    )


JUDGES: dict[str, Callable[[Context, Event], None]] = {
    "leading_firm_investment": leading_firm,
    "talent_recognition": talent_recognition,
    "urgent_talent": _by_category("P5.urgent_talent", "p5_talents.urgent_talent"),
    "civil_military_researcher": _by_category("P5.civil_military", "p5_talents.civil_military"),
    "civil_military_team_project": civil_military_team_project,
    "standard_led": standard_led,
    "project_investment": project_investment,
    "ipo_stage": ipo_stage,
    "platform_construction": platform_construction,
    "platform_service_fees": platform_service_fees,
    "pk_demo_project": pk_demo_project,
    "competition_prize": competition_prize,
    "discretionary": discretionary,
}


def _best_first(c: Candidate) -> tuple[Any, ...]:
    once = meta.rule(c.rule).once
    assert once is not None
    return (
        meta.precedence(once.rank_by).index(c.figures[once.rank_by]),
        c.figures["date"],
        c.events[0],
    )


def settle_once(ctx: Context) -> None:
    """Rules paid once per applicant (R2 talent, R3 settlement): of the events that passed the
    general gates, the best pays and every other gets the rule's `once` reason."""
    for rid, rule in meta.rules().items():
        if rule.once is None:
            continue
        found = sorted((c for c in ctx.out.candidates if c.rule == rid), key=_best_first)
        for c in found[1:]:
            best = found[0]
            ctx.out.candidates.remove(c)
            ctx.out.refusals.append(
                Refusal(
                    c.events[0],
                    c.rule,
                    rule.once.reason,
                    {
                        "name": _once_name(c),
                        "date": c.figures["date"].isoformat(),
                        "best_name": _once_name(best),
                        "best_date": best.figures["date"].isoformat(),
                        "best_number": best.events[0],
                    },
                )
            )


def _once_name(c: Candidate) -> str:
    return str(c.figures.get("level_name") or c.figures.get("rank_name"))


def settle_ipo_stages(ctx: Context) -> None:
    """Each IPO stage once per applicant: the earliest eligible occurrence wins."""
    ipo = [c for c in ctx.out.candidates if c.rule == "P8.ipo"]
    ipo.sort(key=lambda c: (c.figures["date"], c.events[0]))
    first: dict[str, Candidate] = {}
    for c in ipo:
        stage = c.figures["stage"]
        if stage not in first:
            first[stage] = c
            continue
        ctx.out.candidates.remove(c)
        ctx.out.refusals.append(
            Refusal(
                c.events[0],
                c.rule,
                "duplicate_stage",
                {
                    "stage_name": c.figures["stage_name"],
                    "first_date": first[stage].figures["date"].isoformat(),
                },
            )
        )
