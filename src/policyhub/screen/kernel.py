"""The rules of 《若干政策》二, vectorised over a Batch: every applicant decided at once.

It follows `policyhub.engine` step by step (the engine is the reference; this module is
tested against it applicant by applicant):

1. revenue milestones (engine.milestone), per applicant in year order;
2. every other event by type (engine.rules), gates first: future_event, applicant_kind,
   out_of_scope (二(十) exempt), outside_validity, then the rule's own reason; the talent
   reward and the settlement once per applicant (once.py);
3. IPO stages once per applicant (earliest eligible by date, then event_index);
4. per-matter rules merged per (rule, matter): raw amounts summed, the smallest cap, then one
   half-up rounding to the fen (exact: `num / den` on integers);
5. 就高不就低 per matter or per applicant, ties to the lower clause group;
6. the cap of a 一事一议 settlement item less the settlement granted (once.py).

Money is int64 fen throughout; a rate's product stays an exact fraction until its rounding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from policyhub.engine import meta
from policyhub.engine.request import DISCRETIONARY_RULES, KINDS, LEVELS
from policyhub.screen.encode import NS_OWN, NS_REVENUE, NS_SHIFT, Batch, Fees, Typed
from policyhub.screen.once import best_of, caps_less
from policyhub.screen.options import Options as Options
from policyhub.screen.schema import (
    DRAFTING_ONLY,
    RANKS,
    REASON_CODE,
    REASONS,
    RULE_CAP_LESS,
    RULE_CODE,
    RULE_GROUP,
    RULE_KINDS,
    RULE_MATTER,
    RULE_PER_MATTER,
    RULES,
    TYPE_CODE,
)
from policyhub.screen.tables import EPOCH, NONE, Amounts, Rate, days, tables

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

FUTURE, KIND, OUT_OF_SCOPE, OUTSIDE = (REASON_CODE[r] for r in (
    "future_event", "applicant_kind", "out_of_scope", "outside_validity"))
MILESTONE = RULE_CODE["P4.milestone"]
IPO = RULE_CODE["P8.ipo"]
REWARD, HOUSING = RULE_CODE["P5.talent_reward"], RULE_CODE["P5.housing"]
PRIZE, SETTLEMENT = RULE_CODE["P10.prize"], RULE_CODE["P10.settlement"]
# Whether each rule pays each applicant kind: KIND_OK[rule, kind] (R4).
KIND_OK = np.array([[k in RULE_KINDS[r] for k in KINDS] for r in range(len(RULES))], np.bool_)
# Each level's / rank's place in rules.yaml `precedence`, best first (R2, R3), by code.
LEVEL_RANK = np.array([meta.precedence("level").index(v) for v in LEVELS], np.int64)
RANK_RANK = np.array([meta.precedence("rank").index(v) for v in RANKS], np.int64)
# The 一事一议 rules whose cap is less the granted amount of another rule (R3).
CAP_LESS = {RULE_CODE[r]: RULE_CODE[less] for r, less in zip(RULES, RULE_CAP_LESS, strict=True)
            if less is not None}
# The reason of the events that do not pay a rule paid once per applicant (R2, R3).
ONCE_REASON = {RULE_CODE[r]: REASON_CODE[once.reason] for r in RULES
               if (once := meta.rule(r).once) is not None}
# A fee's reasons, most important first (engine.rules.FEE_ORDER), and each code's rank there.
FEE_ORDER = np.array([REASON_CODE[r] for r in (
    "future_event", "applicant_kind", "out_of_scope", "outside_validity",
    "not_major_platform", "beyond_operation_window")], np.int64)
FEE_RANK = np.full(len(REASONS), len(FEE_ORDER), np.int64)
FEE_RANK[FEE_ORDER] = np.arange(len(FEE_ORDER))
NOT_MAJOR_RANK, BEYOND_RANK = (int(FEE_RANK[REASON_CODE[r]]) for r in (
    "not_major_platform", "beyond_operation_window"))
FEE_OK = len(FEE_ORDER)  # a fee that is paid ranks after every reason
BIG = np.iinfo(np.int64).max
# Award order within an applicant: (first event_index, rule order in rules.yaml, step).
SORT_EV, SORT_RULE = 12, 6


@dataclass
class Decisions:
    """Every entry of a batch, as parallel arrays per kind; amounts in fen."""

    award_app: I64
    award_rule: I64
    award_matter: I64
    award_event: I64  # the first event of the award
    award_sort: I64
    award_fen: I64
    award_excluded_by: I64  # rule code of the winning group's first award, or -1
    disc_app: I64
    disc_rule: I64
    disc_matter: I64
    disc_event: I64
    disc_cap: I64  # fen, or NONE when the text gives no cap
    inel_app: I64
    inel_event: I64
    inel_rule: I64
    inel_reason: I64
    total: I64  # per applicant: the sum of granted awards


@dataclass
class _Parts:
    """Arrays appended rule by rule, concatenated once."""

    parts: dict[str, list[I64]] = field(default_factory=dict)

    def add(self, **columns: I64 | int) -> None:
        n = max(np.size(v) for v in columns.values())
        for name, value in columns.items():
            arr = np.broadcast_to(np.asarray(value, np.int64), (n,))
            self.parts.setdefault(name, []).append(arr)

    def get(self, name: str) -> I64:
        chunks = self.parts.get(name, [])
        return np.concatenate(chunks) if chunks else np.zeros(0, np.int64)


def decide(batch: Batch, options: Options) -> Decisions:
    return _Kernel(batch, options).run()


def year_end(year: I64) -> I64:
    """Days of Y-12-31."""
    return (np.asarray(year - 1969, "datetime64[Y]").astype("datetime64[D]")
            .astype(np.int64) - 1)


def add_years(day: I64, years: I64) -> I64:
    """engine.rules.add_years, vectorised: same day `years` later; 29 Feb -> 1 Mar."""
    d = day.astype("datetime64[D]")
    year = d.astype("datetime64[Y]")
    month = d.astype("datetime64[M]")
    month_no = (month - year.astype("datetime64[M]")).astype(np.int64)
    day_no = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = (year + years.astype("timedelta64[Y]")).astype("datetime64[M]") + month_no
    out: I64 = (target.astype("datetime64[D]").astype(np.int64) + day_no)
    return out


class _Kernel:
    def __init__(self, batch: Batch, options: Options):
        self.b, self.o, self.t = batch, options, tables()
        self.as_of = days(options.as_of)
        last = EPOCH + dt.timedelta(days=self.t.valid_to)
        # Fiscal year Y is covered when Y-12-31 falls inside the validity window.
        self.covered_years = ((EPOCH + dt.timedelta(days=self.t.valid_from)).year,
                              last.year if (last.month, last.day) == (12, 31) else last.year - 1)
        self.cands, self.refusals, self.discs = _Parts(), _Parts(), _Parts()

    def run(self) -> Decisions:
        self.milestones(self.b.revenue)
        for code, typed in self.b.events.items():
            if len(typed):
                JUDGES[code](self, typed)
        if len(self.b.fees.events):
            self.service_fees(self.b.fees)
        self.settle_ipo()
        award = self.awards()
        excluded_by = self.dedup(award)
        granted = excluded_by < 0
        paid = np.flatnonzero(granted)
        total = exact_bincount(np.take(award["app"], paid), np.take(award["fen"], paid),
                                self.b.apps)
        r, d = self.refusals, self.discs
        disc_app, disc_rule, disc_cap = d.get("app"), d.get("rule"), d.get("cap")
        for rule, less in CAP_LESS.items():  # after 就高不就低: only a granted award counts
            mine = np.flatnonzero(disc_rule == rule)
            if len(mine):
                won = paid[np.take(award["rule"], paid) == less]
                fen = exact_bincount(award["app"][won], award["fen"][won], self.b.apps)
                disc_cap[mine] = caps_less(disc_cap[mine], disc_app[mine], fen)
        return Decisions(
            award["app"], award["rule"], award["matter"], award["sort"] >> SORT_EV,
            award["sort"], award["fen"], excluded_by,
            disc_app, disc_rule, d.get("matter"), d.get("ev"), disc_cap,
            r.get("app"), r.get("ev"), r.get("rule"), r.get("reason"), total)

    # --- helpers ---------------------------------------------------------------------------

    def gate(self, app: I64, day: I64, rule: I64 | int, exempt: Bools | bool = False) -> I64:
        """The first general reason (future, applicant kind, scope, validity) that `rule`
        cannot pay, per event, or -1."""
        t = self.t
        wrong_kind = ~KIND_OK[rule, self.b.kind[app]]
        out_of_scope = ~self.b.in_scope[app] & ~np.asarray(exempt)
        outside = (day < t.valid_from) | (day > t.valid_to)
        return np.where(day > self.as_of, FUTURE, np.where(
            wrong_kind, KIND,
            np.where(out_of_scope, OUT_OF_SCOPE, np.where(outside, OUTSIDE, -1))))

    def gates(self, e: Typed, day: I64, rules: tuple[int, ...],
              exempt: Bools | bool = False) -> list[I64]:
        """`gate` for each of the rules of one event type (engine.rules.gated): computed
        once when they pay the same kinds."""
        first = self.gate(e.app, day, rules[0], exempt)
        return [first if (KIND_OK[r] == KIND_OK[rules[0]]).all() else
                self.gate(e.app, day, r, exempt) for r in rules]

    def fixed(self, e: Typed, rule: int) -> Typed:
        """The events with their matter replaced by the one the text fixes for `rule`
        (`leading-firm`, `talent`, `settlement`)."""
        key = self.b.fixed[str(RULE_MATTER[rule])]
        return replace(e, matter=np.full(len(e), key, np.int64))

    # Rows are picked with flatnonzero + take: NumPy's boolean indexing measured six times
    # slower than that here, and the kernel picks rows for every rule.

    def refuse(self, e: Typed, where: Bools, rule: I64 | int, reason: I64 | int) -> None:
        at = np.flatnonzero(where)
        if len(at):
            self.refusals.add(app=np.take(e.app, at), ev=np.take(e.ev, at),
                              rule=_pick(rule, at), reason=_pick(reason, at))

    def grant(self, e: Typed, where: Bools, rule: int, num: I64, den: int = 1,
              cap: I64 | int = NONE, sub: I64 | int = 0, day: I64 | int = 0,
              stage: I64 | int = 0) -> None:
        at = np.flatnonzero(where)
        if len(at) == 0:
            return
        self.cands.add(app=np.take(e.app, at), ev=np.take(e.ev, at), rule=rule,
                       sub=_pick(sub, at), matter=np.take(e.matter, at), num=_pick(num, at),
                       den=den, cap=_pick(cap, at), day=_pick(day, at), stage=_pick(stage, at))

    def rate_grant(self, e: Typed, ok: Bools, rule: int, base: I64, day: I64, rate: Rate,
                   cap: Amounts) -> None:
        p = rate.period(day)
        q = cap.period(day)
        self.grant(e, ok, rule, base * rate.num[p], rate.den, cap.fen[q, 0])

    # --- 二(四) revenue milestones -----------------------------------------------------------

    def milestones(self, rev: Typed) -> None:
        """engine.milestone, per applicant in year order (revenue rows come sorted by
        (applicant, year)); thresholds become levels: the number of thresholds reached."""
        m = self.t.milestones
        year, amount, app, ev = rev.fields["year"], rev.fields["amount"], rev.app, rev.ev
        # Y-12-31 > as_of  <=>  Y > the last year closed by as_of.
        closed = self.o.as_of.year - (0 if (self.o.as_of.month, self.o.as_of.day) == (12, 31)
                                      else 1)
        future = year > closed
        if future.any():
            self.refuse(rev, future, MILESTONE, FUTURE)
            keep = np.flatnonzero(~future)
            app, ev, year, amount = (np.take(v, keep) for v in (app, ev, year, amount))
        n = len(app)
        if n == 0:
            return
        level = _levels(m.all_thresholds, amount)
        first = np.ones(n, np.bool_)
        first[1:] = app[1:] != app[:-1]
        width = len(m.all_thresholds) + 2
        shifted = app * width
        running = np.maximum.accumulate(shifted + level) - shifted
        best_before = np.empty(n, np.int64)  # highest level of any earlier year
        best_before[0] = 0
        best_before[1:] = running[:-1]
        best_before[first] = 0
        last = np.empty(n, np.int64)  # level of the previous supplied year
        last[0] = 0
        last[1:] = level[:-1]
        last[first] = 0
        maybe = np.flatnonzero((level > best_before) | (np.minimum(level, best_before) > last))
        if len(maybe) == 0:
            return
        app, ev, year = app[maybe], ev[maybe], year[maybe]
        level, best_before, last = level[maybe], best_before[maybe], last[maybe]
        simple = len(m.starts) == 1 and np.array_equal(
            m.level[0], np.arange(1, m.level.shape[1] + 1))
        if simple:  # steps are the levels 1..S: the new ones are (best_before, level]
            p = np.zeros(len(app), np.intp)
            low, high = best_before, np.where(level > best_before, level, best_before)
            again = np.asarray(np.minimum(level, best_before) > last)
        else:  # several periods or steps out of order: a matrix of steps
            p = m.period(year_end(year))
            steps = m.level[p]
            lv, bb, la = level[:, None], best_before[:, None], last[:, None]
            newly_m = (steps <= lv) & (steps > bb)
            again = np.asarray(((steps <= lv) & (steps <= bb) & (steps > la)).any(1))
            # A year that reaches nothing new gives no entry.
            keep = np.flatnonzero(newly_m.any(1) | again)
            app, ev, year, maybe, p, again = (np.take(v, keep) for v in
                                              (app, ev, year, maybe, p, again))
            newly_m = newly_m[keep]
        sub = Typed(app, ev, maybe, (NS_REVENUE << NS_SHIFT) | year)
        covered = (year >= self.covered_years[0]) & (year <= self.covered_years[1])
        reason = np.where(~KIND_OK[MILESTONE, self.b.kind[app]], KIND, np.where(
            ~self.b.in_scope[app], OUT_OF_SCOPE, np.where(covered, -1, OUTSIDE)))
        relevant_reason = reason >= 0
        ok = ~relevant_reason
        if simple:
            self._grant_steps(sub, ok, p, low, high)
        else:
            self._grant_matrix(sub, ok, p, newly_m)
        self.refuse(sub, relevant_reason, MILESTONE, reason)
        self.refuse(sub, ok & again, MILESTONE, REASON_CODE["not_first_crossing"])

    def _grant_steps(self, sub: Typed, ok: Bools, p: npt.NDArray[np.intp], low: I64,
                     high: I64) -> None:
        """Steps low+1..high (levels) are newly reached: step indices low..high-1."""
        m = self.t.milestones
        if self.o.milestone_jump == "highest":
            has = ok & (high > low)
            top = np.maximum(high - 1, 0)
            self.grant(sub, has, MILESTONE, m.amount[p, top], sub=top)
            return
        count = np.where(ok, high - low, 0)
        rows = np.repeat(np.arange(len(count)), count)
        if len(rows) == 0:
            return
        step = low[rows] + (np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count))
        picked = Typed(sub.app[rows], sub.ev[rows], rows, sub.matter[rows])
        self.grant(picked, np.ones(len(rows), np.bool_), MILESTONE, m.amount[p[rows], step],
                   sub=step)

    def _grant_matrix(self, sub: Typed, ok: Bools, p: npt.NDArray[np.intp],
                      newly: npt.NDArray[np.bool_]) -> None:
        """The general case (several periods, steps in any order): a matrix per step."""
        m = self.t.milestones
        if self.o.milestone_jump == "highest":
            has = ok & newly.any(1)
            top = newly.shape[1] - 1 - np.argmax(newly[:, ::-1], axis=1)
            self.grant(sub, has, MILESTONE, m.amount[p, top], sub=top)
            return
        rows, steps_i = np.nonzero(newly & ok[:, None])
        if len(rows):
            picked = Typed(sub.app[rows], sub.ev[rows], rows, sub.matter[rows])
            self.grant(picked, np.ones(len(rows), np.bool_), MILESTONE,
                       m.amount[p[rows], steps_i], sub=steps_i)

    # --- the other event types ---------------------------------------------------------------

    def leading_firm(self, e: Typed) -> None:
        rule, t, f = RULE_CODE["P4.leading_firm"], self.t, e.fields
        day = f["date"]
        reason = self.gate(e.app, day, rule)
        threshold = t.leading_threshold.fen[t.leading_threshold.period(day), 0]
        reason = np.where(reason >= 0, reason,
                          np.where(f["paid_in_capital"] < threshold,
                                   REASON_CODE["below_threshold"],
                                   np.where(f["schedule_met"], -1,
                                            REASON_CODE["schedule_not_met"])))
        self.refuse(e, reason >= 0, rule, reason)
        if (reason < 0).any():  # R1: the firm's investments are one matter, under one cap
            self.rate_grant(self.fixed(e, rule), reason < 0, rule,
                            f["completed_investment"], day, t.leading_rate, t.leading_cap)

    def talent(self, e: Typed) -> None:
        """R2: each recognition meets the gates on its own; of those that pass, the highest
        level (then the earliest date, the lowest index) pays both rules in matter
        `talent`, every other gets `already_recognised` for both."""
        t, f = self.t, e.fields
        day, level = f["date"], f["level"]
        reasons = self.gates(e, day, (REWARD, HOUSING))
        for rule, reason in zip((REWARD, HOUSING), reasons, strict=True):
            self.refuse(e, reason >= 0, rule, reason)
        best, others = best_of(e.app, LEVEL_RANK[level], day, e.ev,
                               (reasons[0] < 0) & (reasons[1] < 0))
        for rule in (REWARD, HOUSING):
            self.refuse(e, others, rule, ONCE_REASON[rule])
        if not best.any():
            return
        talent = self.fixed(e, REWARD)
        p = t.talent_reward.period(day)
        self.grant(talent, best, REWARD, t.talent_reward.fen[p, level])
        q = t.housing_area.period(day)
        self.grant(talent, best, HOUSING,
                   t.housing_area.num[q, level] * f["housing_price_per_m2"], t.housing_area.den)

    def _fixed(self, e: Typed, rule: str, table: Amounts, key: I64 | int = 0) -> None:
        day = e.fields["date"]
        reason = self.gate(e.app, day, RULE_CODE[rule])
        self.refuse(e, reason >= 0, RULE_CODE[rule], reason)
        self.grant(e, reason < 0, RULE_CODE[rule], table.fen[table.period(day), key])

    def urgent_talent(self, e: Typed) -> None:
        self._fixed(e, "P5.urgent_talent", self.t.urgent_talent, e.fields["category"])

    def civil_military(self, e: Typed) -> None:
        self._fixed(e, "P5.civil_military", self.t.civil_military, e.fields["category"])

    def civil_military_team(self, e: Typed) -> None:
        self._fixed(e, "P5.civil_military_team", self.t.civil_military_team)

    def standard(self, e: Typed) -> None:
        rule, table = RULE_CODE["P6.standard"], self.t.standard
        day, level = e.fields["date"], e.fields["level"]
        amount = np.where(level >= 0, table.fen[table.period(day), np.maximum(level, 0)], NONE)
        reason = self.gate(e.app, day, rule)
        reason = np.where((reason < 0) & (amount == NONE), REASON_CODE["unsupported_level"],
                          reason)
        # R5: a local standard is rewarded for drafting only, not for revising (the last
        # entry is for level -1, unsupported, refused already).
        drafting_only = np.array([v in DRAFTING_ONLY for v in self.t.standard_levels] + [False])
        revised = e.fields["revision"].astype(np.bool_) & drafting_only[level]
        reason = np.where((reason < 0) & revised, REASON_CODE["local_revision"], reason)
        self.refuse(e, reason >= 0, rule, reason)
        self.grant(e, reason < 0, rule, amount)

    def project(self, e: Typed) -> None:
        rule, t, f = RULE_CODE["P7.project"], self.t, e.fields
        day = f["date"]
        threshold = t.project_threshold.fen[t.project_threshold.period(day), 0]
        reason = self.gate(e.app, day, rule)
        reason = np.where((reason < 0) & (f["total_investment"] < threshold),
                          REASON_CODE["below_threshold"], reason)
        self.refuse(e, reason >= 0, rule, reason)
        self.rate_grant(e, reason < 0, rule, f["actual_investment"], day, t.project_rate,
                        t.project_cap)

    def ipo(self, e: Typed) -> None:
        table, day, stage = self.t.ipo_stage, e.fields["date"], e.fields["stage"]
        reason = self.gate(e.app, day, IPO)
        self.refuse(e, reason >= 0, IPO, reason)
        self.grant(e, reason < 0, IPO, table.fen[table.period(day), stage], day=day,
                   stage=stage)

    def construction(self, e: Typed) -> None:
        rule, t, f = RULE_CODE["P2.construction"], self.t, e.fields
        day = f["date"]
        reason = self.gate(e.app, day, rule)
        reason = np.where((reason < 0) & ~f["major_public_platform"].astype(np.bool_),
                          REASON_CODE["not_major_platform"], reason)
        self.refuse(e, reason >= 0, rule, reason)
        self.rate_grant(e, reason < 0, rule, f["construction_cost"], day, t.construction_rate,
                        t.construction_cap)

    def pk_demo(self, e: Typed) -> None:
        rule, t, f = RULE_CODE["P9.pk_demo"], self.t, e.fields
        day = f["date"]
        reason = self.gate(e.app, day, rule)
        reason = np.where((reason < 0) & ~f["selected"].astype(np.bool_),
                          REASON_CODE["not_selected"], reason)
        self.refuse(e, reason >= 0, rule, reason)
        self.rate_grant(e, reason < 0, rule, f["rd_investment"], day, t.pk_rate, t.pk_cap)

    def prize(self, e: Typed) -> None:
        t, f = self.t, e.fields
        day, rank = f["date"], f["rank"]
        settles = f["settles_in_changsha"].astype(np.bool_)
        reason, reason_s = self.gates(e, day, (PRIZE, SETTLEMENT), exempt=True)
        ok = reason < 0
        self.refuse(e, ~ok, PRIZE, reason)
        self.refuse(e, (reason_s >= 0) & settles, SETTLEMENT, reason_s)
        self.grant(e, ok, PRIZE, t.prize.fen[t.prize.period(day), rank])
        # R3: a winner settles once: the best-ranked settling prize, in matter `settlement`.
        best, others = best_of(e.app, RANK_RANK[rank], day, e.ev, (reason_s < 0) & settles)
        self.refuse(e, others, SETTLEMENT, ONCE_REASON[SETTLEMENT])
        if best.any():
            self.grant(self.fixed(e, SETTLEMENT), best, SETTLEMENT,
                       t.settlement.fen[t.settlement.period(day), rank])

    def discretionary(self, e: Typed) -> None:
        day, which = e.fields["date"], e.fields["rule"]
        exempt = DISCRETIONARY_RULES.index("P10.exceptional_settlement")
        rule = np.array([RULE_CODE[r] for r in DISCRETIONARY_RULES], np.int64)[which]
        reason = self.gate(e.app, day, rule, exempt=which == exempt)
        # An item the text offers to other kinds only is not listed at all (R4).
        self.refuse(e, (reason >= 0) & (reason != KIND), rule, reason)
        cap = np.full(len(e), NONE, np.int64)
        for i, table in enumerate(self.t.discretionary_caps):
            mine = which == i
            cap[mine] = table.fen[table.period(day[mine]), 0]
        ok = np.flatnonzero(reason < 0)
        if len(ok):
            self.discs.add(app=np.take(e.app, ok), ev=np.take(e.ev, ok), rule=np.take(rule, ok),
                           matter=np.take(e.matter, ok), cap=np.take(cap, ok))

    # --- 二(二) service fees --------------------------------------------------------------

    def service_fees(self, fees: Fees) -> None:
        rule, t, e = RULE_CODE["P2.service_fees"], self.t, fees.events
        start = e.fields["operation_start"]
        major = e.fields["major_public_platform"].astype(np.bool_)
        span = t.fee_years.fen[t.fee_years.period(start), 0]
        end = add_years(start, span)
        event, day = fees.event, fees.day
        reason = self.gate(e.app[event], day, rule)
        rank = np.where(reason >= 0, FEE_RANK[reason], np.where(
            ~major[event], NOT_MAJOR_RANK,
            np.where((start[event] <= day) & (day < end[event]), FEE_OK, BEYOND_RANK)))
        starts = np.flatnonzero(np.concatenate([[True], event[1:] != event[:-1]]))
        worst = np.minimum.reduceat(rank, starts)
        failed = worst < FEE_OK
        self.refuse(e, failed, rule, FEE_ORDER[np.minimum(worst, FEE_OK - 1)])
        ok = rank == FEE_OK
        total = np.add.reduceat(np.where(ok, fees.fen, 0), starts)
        position = np.where(ok, np.arange(len(ok)), len(ok))
        first_ok = np.minimum.reduceat(position, starts)
        paid = first_ok < len(ok)
        first_day = day[np.minimum(first_ok, len(ok) - 1)]
        self.rate_grant(e, paid, rule, total, first_day, t.fee_rate, t.fee_cap)

    # --- 二(八) IPO stages once per applicant ------------------------------------------------

    def settle_ipo(self) -> None:
        c = self.cands
        rule = c.get("rule")
        ipo = np.flatnonzero(rule == IPO)
        if len(ipo) == 0:
            return
        app, stage, day, ev = (c.get(k)[ipo] for k in ("app", "stage", "day", "ev"))
        order = np.lexsort((ev, day, stage, app))
        app_o, stage_o = app[order], stage[order]
        later = np.zeros(len(order), np.bool_)
        later[1:] = (app_o[1:] == app_o[:-1]) & (stage_o[1:] == stage_o[:-1])
        dropped = ipo[order[later]]
        if len(dropped):
            self.refusals.add(app=c.get("app")[dropped], ev=c.get("ev")[dropped], rule=IPO,
                              reason=REASON_CODE["duplicate_stage"])
            keep = np.ones(len(rule), np.bool_)
            keep[dropped] = False
            kept = np.flatnonzero(keep)
            for name, chunks in c.parts.items():
                c.parts[name] = [np.take(np.concatenate(chunks), kept)]

    # --- caps per (rule, matter), rounding ---------------------------------------------------

    def awards(self) -> dict[str, I64]:
        c = self.cands
        app, ev, rule, sub = c.get("app"), c.get("ev"), c.get("rule"), c.get("sub")
        matter, num, den, cap = c.get("matter"), c.get("num"), c.get("den"), c.get("cap")
        sort = (ev << SORT_EV) | (rule << SORT_RULE) | sub
        per_matter = np.asarray(RULE_PER_MATTER, np.bool_)[rule] if len(rule) else \
            np.zeros(0, np.bool_)
        shared = np.flatnonzero(per_matter & ((matter >> NS_SHIFT) != NS_OWN))
        if len(shared):
            app, rule, matter, num, den, cap, sort = _merge(
                shared, app, rule, matter, num, den, cap, sort)
        capped = (cap != NONE) & (num >= cap * den)
        fen = np.where(capped, cap, (2 * num + den) // (2 * den))
        return {"app": app, "rule": rule, "matter": matter, "sort": sort, "fen": fen}

    # --- 三(一) 就高不就低 ---------------------------------------------------------------

    def dedup(self, a: dict[str, I64]) -> I64:
        """excluded_by per award: the rule code of the winning group's first award, or -1."""
        app, rule, matter, sort, fen = (a[k] for k in ("app", "rule", "matter", "sort", "fen"))
        excluded_by = np.full(len(app), -1, np.int64)
        if len(app) == 0:
            return excluded_by
        group = np.asarray(RULE_GROUP, np.int64)[rule]
        if self.o.dedup_scope == "applicant":
            members, unit, units = np.arange(len(app)), app, self.b.apps
        else:
            members, unit, units = _matter_units(app, rule, matter)
        if len(members) == 0:
            return excluded_by
        g, s, f = group[members], sort[members], fen[members]
        width = int(group.max()) + 1
        cell = unit * width + g
        count = np.bincount(cell, minlength=units * width).reshape(units, width)
        sums = exact_bincount(cell, f, units * width).reshape(units, width)
        score = np.where(count > 0, sums, -1)
        winner = np.argmax(score, axis=1)
        conflict = (count > 0).sum(axis=1) >= 2
        lose = conflict[unit] & (g != winner[unit])
        if not lose.any():
            return excluded_by
        win = conflict[unit] & (g == winner[unit])
        first = np.full(units, BIG, np.int64)
        np.minimum.at(first, unit[win], s[win])
        by = (first[unit[lose]] >> SORT_RULE) & ((1 << (SORT_EV - SORT_RULE)) - 1)
        excluded_by[members[lose]] = by
        return excluded_by


def _merge(shared: I64, app: I64, rule: I64, matter: I64, num: I64, den: I64, cap: I64,
           sort: I64) -> tuple[I64, I64, I64, I64, I64, I64, I64]:
    """Candidates of one (applicant, rule, matter) become one: raw amounts summed, the
    smallest cap, the first candidate's place."""
    order = shared[np.lexsort((sort[shared], matter[shared], rule[shared], app[shared]))]
    a, r, m = app[order], rule[order], matter[order]
    new = np.ones(len(order), np.bool_)
    new[1:] = (a[1:] != a[:-1]) | (r[1:] != r[:-1]) | (m[1:] != m[:-1])
    starts = np.flatnonzero(new)
    c = cap[order]
    # Each part saturates at its own cap: the sum reaches the smallest cap iff the uncapped
    # sum does, and the int64 sum cannot overflow.
    part = np.where(c != NONE, np.minimum(num[order], c * den[order] + 1), num[order])
    merged_num = np.add.reduceat(part, starts)
    merged_cap = np.minimum.reduceat(np.where(c == NONE, BIG, c), starts)
    merged_cap = np.where(merged_cap == BIG, NONE, merged_cap)
    keep = np.ones(len(app), np.bool_)
    keep[shared] = False
    kept = np.flatnonzero(keep)
    head = order[starts]  # the lowest sort of the group (sorted by sort within it)

    def join(whole: I64, merged: I64) -> I64:
        return np.concatenate([np.take(whole, kept), merged])

    return (join(app, app[head]), join(rule, rule[head]), join(matter, matter[head]),
            join(num, merged_num), join(den, den[head]), join(cap, merged_cap),
            join(sort, sort[head]))


def _matter_units(app: I64, rule: I64, matter: I64) -> tuple[I64, I64, int]:
    """dedup_scope=matter: the awards that may compete, and their unit numbers.

    Own matters (no id given) hold one event, whose rules share one clause group, so only
    given ids and `revenue-Y` matters can hold several groups; a milestone's `revenue-Y` only
    competes when the applicant gave that id to another event."""
    ns = matter >> NS_SHIFT
    given = ns != NS_OWN
    milestone = rule == MILESTONE
    other_revenue = given & ~milestone & (ns == NS_REVENUE)
    if other_revenue.any():
        apps = np.zeros(int(app.max()) + 1, np.bool_)
        apps[app[other_revenue]] = True
        candidates = given & (~milestone | apps[app])
    else:
        candidates = given & ~milestone
    members = np.flatnonzero(candidates)
    if len(members) == 0:
        return members, members, 0
    order = np.lexsort((matter[members], app[members]))
    a, m = app[members][order], matter[members][order]
    new = np.ones(len(order), np.bool_)
    new[1:] = (a[1:] != a[:-1]) | (m[1:] != m[:-1])
    unit_sorted = np.cumsum(new) - 1
    unit = np.empty(len(order), np.int64)
    unit[order] = unit_sorted
    return members, unit, int(unit_sorted[-1]) + 1


def _pick(value: I64 | int, at: npt.NDArray[np.intp]) -> I64 | int:
    """An array's values at rows `at`; a scalar, which holds for every row, as it is."""
    return np.take(value, at) if isinstance(value, np.ndarray) else value


def _levels(thresholds: I64, amount: I64) -> I64:
    """How many thresholds each amount reaches (searchsorted, side right): for the few
    milestone thresholds, one comparison pass per threshold is twice as fast."""
    if len(thresholds) > 8:
        return np.searchsorted(thresholds, amount, side="right").astype(np.int64)
    level = np.zeros(len(amount), np.int64)
    for threshold in thresholds.tolist():
        level += amount >= threshold
    return level


def exact_bincount(index: I64, weights: I64, size: int) -> I64:
    """Per-bin sums of int64 weights, exactly (float64 bincount on 29-bit halves)."""
    if len(index) == 0:
        return np.zeros(size, np.int64)
    low = np.bincount(index, weights=weights & ((1 << 29) - 1), minlength=size)
    high = np.bincount(index, weights=weights >> 29, minlength=size)
    out: I64 = (high.astype(np.int64) << 29) + low.astype(np.int64)
    return out


JUDGES = {
    TYPE_CODE["leading_firm_investment"]: _Kernel.leading_firm,
    TYPE_CODE["talent_recognition"]: _Kernel.talent,
    TYPE_CODE["urgent_talent"]: _Kernel.urgent_talent,
    TYPE_CODE["civil_military_researcher"]: _Kernel.civil_military,
    TYPE_CODE["civil_military_team_project"]: _Kernel.civil_military_team,
    TYPE_CODE["standard_led"]: _Kernel.standard,
    TYPE_CODE["project_investment"]: _Kernel.project,
    TYPE_CODE["ipo_stage"]: _Kernel.ipo,
    TYPE_CODE["platform_construction"]: _Kernel.construction,
    TYPE_CODE["pk_demo_project"]: _Kernel.pk_demo,
    TYPE_CODE["competition_prize"]: _Kernel.prize,
    TYPE_CODE["discretionary"]: _Kernel.discretionary,
}
assert set(JUDGES) | {TYPE_CODE["annual_revenue"], TYPE_CODE["platform_service_fees"]} \
    == set(range(len(TYPE_CODE)))
