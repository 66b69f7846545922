"""The outlook as rows for the CLI and the fund page (yuan strings, no internal codes)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policyhub.engine.money import yuan as yuan  # (re-exported: pages and workbooks)
from policyhub.outlook.model import Outlook


@dataclass(frozen=True)
class YearRow:
    year: int
    mean: Decimal
    p5: Decimal
    p25: Decimal
    p50: Decimal
    p75: Decimal
    p95: Decimal
    cumulative_p5: Decimal
    cumulative_p25: Decimal
    cumulative_mean: Decimal
    cumulative_p75: Decimal
    cumulative_p95: Decimal
    depletion: float  # share of paths with the fund exhausted by the end of the year


def rows(o: Outlook) -> list[YearRow]:
    per, cum = o.per_year(), o.cumulative()
    q, qc = o.quantiles(per), o.quantiles(cum)
    mean, mean_c, dep = o.mean(per), o.mean(cum), o.depletion()
    return [YearRow(year, yuan(mean[i]), yuan(q[5][i]), yuan(q[25][i]), yuan(q[50][i]),
                    yuan(q[75][i]), yuan(q[95][i]), yuan(qc[5][i]), yuan(qc[25][i]),
                    yuan(mean_c[i]), yuan(qc[75][i]), yuan(qc[95][i]), float(dep[i]))
            for i, year in enumerate(o.years)]


def by_clause(o: Outlook) -> list[tuple[str, list[Decimal]]]:
    """Mean claims per clause and year, clauses with money only, largest first."""
    mean = o.mean(o.claims)  # [year, clause]
    out = [(clause, [yuan(mean[y, c]) for y in range(len(o.years))])
           for c, clause in enumerate(o.clauses) if mean[:, c].any()]
    out.sort(key=lambda item: -sum(item[1]))
    return out


def render(o: Outlook) -> str:
    from policyhub.ledger.reports import _table

    head = ["预算年度", "预计申领（均值）", "5%", "25%", "50%", "75%", "95%", "耗尽概率"]
    body = [[str(r.year), f"{r.mean:,.2f}", f"{r.p5:,.2f}", f"{r.p25:,.2f}", f"{r.p50:,.2f}",
             f"{r.p75:,.2f}", f"{r.p95:,.2f}", f"{r.depletion:.1%}"] for r in rows(o)]
    lines = [f"专项资金总额 {yuan(o.budget):,.2f} 元，"
             f"已核定（含已拨付）{yuan(o.approved):,.2f} 元，"
             f"剩余 {yuan(o.remaining):,.2f} 元；{o.paths:,} 条模拟路径，随机种子 {o.seed}。",
             _table(head, body)]
    clauses = by_clause(o)
    if clauses:
        lines += ["", _table(["政策条款", *map(str, o.years)],
                             [[c, *(f"{v:,.2f}" for v in values)] for c, values in clauses])]
    return "\n".join(lines)


def compare(law: Outlook, scenario: Outlook) -> str:
    """Per year: mean claims and depletion probability under the law and the scenario."""
    from policyhub.ledger.reports import _table

    head = ["预算年度", "现行政策均值", "场景均值", "差额", "耗尽概率（现行）", "耗尽概率（场景）"]
    body = [[str(a.year), f"{a.mean:,.2f}", f"{b.mean:,.2f}", f"{b.mean - a.mean:+,.2f}",
             f"{a.depletion:.1%}", f"{b.depletion:.1%}"]
            for a, b in zip(rows(law), rows(scenario), strict=True)]
    return _table(head, body)


def render_books(books: list[Any]) -> str:
    """The ledger's budget years: what each source put in, committed, paid, released."""
    from policyhub.ledger.reports import _table

    head = ["预算年度", "市本级出资", "高新区配套", "已核定待拨付", "已拨付", "已撤销承诺"]
    return _table(head, [[str(b.year), *(f"{v:,.2f}" for v in (b.city, b.zone, b.committed,
                                                                b.paid, b.released))]
                         for b in books])
