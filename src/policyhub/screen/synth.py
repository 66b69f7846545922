"""A synthetic registry export (docs/screening.md), seeded and vectorised.

Each applicant has 3–6 `annual_revenue` years and 1–4 other events of any type. Values are
drawn to hit the edges of the rules: revenue at every threshold ±1 fen (with dips, so
thresholds are re-crossed), paid-in capital and project totals at their thresholds ±1 fen,
bases whose rate lands exactly on a cap ±1 fen or on half a fen, dates on both sides of the
validity window and of `as_of`, 29 February operation starts, fees on both sides of the
three-year window, out-of-scope applicants, people without credit codes, shared matters (so
caps are shared and 就高不就低 has work), `revenue-Y` matter ids, duplicate IPO stages, every
applicant kind (events of any type, so many a rule refuses the kind), repeated recognitions
and prizes (paid once), and revised standards (a local one refused).

Applicants are generated in blocks of BLOCK (one Parquet row group each), block `b` from the
seed sequence (seed, b), so `table(n)`, `write(path, n)` and `requests(n)` agree.
`write(path, 1_000_000)` takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from policyhub.engine import creditcode
from policyhub.engine.request import CATEGORIES, DISCRETIONARY_RULES, EVENT_TYPES, KINDS, LEVELS
from policyhub.screen.requests import to_requests
from policyhub.screen.schema import PROJECT_KINDS, STAGES, TYPE_CODE
from policyhub.screen.tables import days

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
BLOCK = 1 << 16  # applicants per block (about 470,000 rows: one row group)
YUAN = 100  # fen
MONEY = pa.decimal64(15, 2)
AS_OF = dt.date(2021, 6, 30)  # the as_of the edge dates are drawn around


def _d(text: str) -> int:
    return days(dt.date.fromisoformat(text))


EDGE_DATES = np.array([_d(x) for x in (
    "2019-07-31", "2019-08-01", "2022-07-31", "2022-08-01", "2021-06-30", "2021-07-01",
    "2020-02-29", "2020-12-31", "2021-12-31", "2023-01-01")], np.int64)
FIRST_DAY, LAST_DAY = _d("2018-06-01"), _d("2023-06-30")
THRESHOLDS = np.array([10_000_000, 50_000_000, 100_000_000, 1_000_000_000, 5_000_000_000],
                      np.int64) * YUAN
STANDARD_LEVELS = ("international", "national", "local", "regional")  # regional: unsupported
KIND_WEIGHTS = (0.80, 0.04, 0.04, 0.02, 0.05, 0.05)  # by KINDS
OTHER_TYPES = np.array([TYPE_CODE[t] for t in EVENT_TYPES if t != "annual_revenue"], np.int64)
FEES = TYPE_CODE["platform_service_fees"]


class _Draw:
    def __init__(self, seed: int, block: int):
        self.rng = np.random.default_rng([seed, block])

    def p(self, prob: float, n: int) -> Bools:
        return self.rng.random(n) < prob

    def ints(self, low: int, high: int, n: int) -> I64:
        return self.rng.integers(low, high + 1, n, dtype=np.int64)

    def pick(self, values: npt.NDArray[Any], n: int) -> npt.NDArray[Any]:
        out: npt.NDArray[Any] = values[self.rng.integers(0, len(values), n)]
        return out

    def date(self, n: int) -> I64:
        return np.where(self.p(0.35, n), self.pick(EDGE_DATES, n),
                        self.ints(FIRST_DAY, LAST_DAY, n))

    def edge(self, base: int, n: int, prob: float, high: int) -> I64:
        """`base` ±1 fen (or exactly) with probability `prob`, else uniform in [0, high]."""
        return np.where(self.p(prob, n), base + self.ints(-1, 1, n), self.ints(0, high, n))


def _running(group: I64, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Running sum of `values` within each group (rows grouped)."""
    total = np.cumsum(values)
    first = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
    before = total[first] - values[first]
    out: npt.NDArray[Any] = total - np.repeat(before, np.diff(np.append(first, len(group))))
    return out


class _Block:
    """One block of applicants: events drawn per applicant, then columns per event type."""

    def __init__(self, seed: int, block: int, n: int):
        self.r, self.n, self.seed = _Draw(seed, block), n, seed
        self.offset = block * BLOCK
        self.cols: dict[str, pa.Array] = {}

    def build(self) -> pa.Table:
        r, n = self.r, self.n
        n_rev, n_other = r.ints(3, 6, n), r.ints(1, 4, n)
        width = n_rev + n_other
        app = np.repeat(np.arange(n, dtype=np.int64), width)
        ev = np.arange(len(app), dtype=np.int64) - np.repeat(np.cumsum(width) - width, width)
        # Revenue years: a block of the applicant's events starting at a random slot.
        start = (r.rng.random(n) * (n_other + 1)).astype(np.int64)
        slot = ev - start[app]
        is_rev = (slot >= 0) & (slot < n_rev[app])
        etype = np.zeros(len(app), np.int64)
        other = np.flatnonzero(~is_rev)
        etype[other] = r.pick(OTHER_TYPES, len(other))
        # Often the second other event repeats the first one's type: shared caps, duplicate
        # IPO stages, several fee reports of one platform.
        same = np.flatnonzero(np.diff(app[other]) == 0) + 1
        copy = same[r.p(0.35, len(same))]
        etype[other[copy]] = etype[other[copy - 1]]
        fees = np.where(etype == FEES, r.ints(1, 3, len(app)), 1)
        row_event = np.repeat(np.arange(len(app)), fees)
        self.app, self.etype = app[row_event], etype[row_event]
        self.event, self.rows = row_event, len(row_event)
        self.fee_no = np.arange(self.rows) - np.repeat(np.cumsum(fees) - fees, fees)
        self._applicants()
        self.cols["type"] = _dictionary(self.etype, EVENT_TYPES)
        self.cols["event_index"] = pa.array(ev[row_event].astype(np.int32))
        years = self._revenue(app, is_rev, n_rev)
        self._matter(etype, years)
        self._dated()
        self._fields()
        self._revision()  # drawn last: the columns above are those drawn before it existed
        return pa.table(self.cols)

    def at(self, code: int) -> I64:
        return np.flatnonzero(self.etype == code)

    def put(self, name: str, where: I64, values: npt.NDArray[Any], kind: str) -> None:
        """Column `name`: `values` at rows `where`, null elsewhere."""
        present = np.zeros(self.rows, np.bool_)
        present[where] = True
        if kind == "money":
            full = np.zeros(self.rows, np.int64)
            full[where] = values
            self.cols[name] = _money(full, present)
        elif kind == "date":
            full32 = np.zeros(self.rows, np.int32)
            full32[where] = values
            self.cols[name] = pa.array(full32, mask=~present).cast(pa.date32())
        elif kind == "bool":
            self.cols[name] = pa.array(_scatter(self.rows, where, values, np.bool_),
                                       mask=~present)
        elif kind == "int":
            self.cols[name] = pa.array(_scatter(self.rows, where, values, np.int32),
                                       mask=~present)
        else:
            raise AssertionError(kind)

    def put_text(self, name: str, where: I64, codes: I64, values: tuple[str, ...]) -> None:
        full = np.full(self.rows, -1, np.int64)
        full[where] = codes
        self.cols[name] = _dictionary(full, values)

    def _applicants(self) -> None:
        r, n = self.r, self.n
        kind = r.rng.choice(len(KINDS), n, p=np.array(KIND_WEIGHTS)).astype(np.int64)
        number = pa.array(np.arange(self.offset, self.offset + n)).cast(pa.string())
        ids = pc.binary_join_element_wise(f"S{self.seed}-", pc.utf8_lpad(number, 7, "0"), "")
        body = r.rng.integers(0, 31, (n, 17))
        body[:, :8] = [9, 1, 4, 3, 0, 1, 0, 0]  # 91430100: an enterprise of Changsha
        check = (31 - (body @ np.array(creditcode.WEIGHTS)) % 31) % 31
        alphabet = np.frombuffer(creditcode.ALPHABET.encode(), np.uint8)
        chars = alphabet[np.concatenate([body, check[:, None]], axis=1)]
        offsets = np.arange(0, 18 * n + 1, 18, dtype=np.int32)
        codes = pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets),
                                                       pa.py_buffer(chars.tobytes())])
        people = np.isin(kind, [KINDS.index("person"), KINDS.index("team")])
        no_code = people & r.p(0.5, n)
        indices = pa.array(self.app.astype(np.int32))
        self.cols["applicant_id"] = pa.DictionaryArray.from_arrays(indices, ids)
        self.cols["kind"] = _dictionary(kind[self.app], KINDS)
        self.cols["credit_code"] = pa.DictionaryArray.from_arrays(
            pa.array(self.app.astype(np.int32), mask=no_code[self.app]), codes)
        for flag in ("registered_in_changsha", "taxed_in_changsha", "cybersecurity_business"):
            self.cols[flag] = pa.array(r.p(0.95, n)[self.app])

    def _revenue(self, app: I64, is_rev: Bools, n_rev: I64) -> I64:
        """Years ascend along the block of revenue events (15% gaps; 5% of applicants list
        them backwards); amounts walk in log10(yuan), often landing on a threshold ±1 fen."""
        r, n = self.r, self.n
        rev = np.flatnonzero(is_rev)
        owner = app[rev]
        step = np.where(r.p(0.15, len(rev)), 2, 1)
        upto = _running(owner, step)
        total = np.bincount(owner, step, n).astype(np.int64)
        backwards = r.p(0.05, n)[owner]
        year = r.ints(2012, 2017, n)[owner] + np.where(backwards, total[owner] - upto, upto)
        walk = _running(owner, r.rng.normal(0.12, 0.35, len(rev)))
        level = np.clip(r.rng.uniform(6.0, 9.0, n)[owner] + walk, 4, 10.3)
        near = r.pick(THRESHOLDS, len(rev)) + r.ints(-1, 1, len(rev))
        amount = np.where(r.p(0.3, len(rev)), near,
                          (10**level * YUAN).astype(np.int64) + r.ints(0, 99, len(rev)))
        rows = np.flatnonzero(is_rev[self.event])  # revenue events have one row each
        self.put("year", rows, year, "int")
        self.put("amount", rows, amount, "money")
        first_year = np.full(n, 2020, np.int64)
        first_year[owner[::-1]] = year[::-1]
        return first_year

    def _matter(self, etype: I64, first_year: I64) -> None:
        """30% of events carry a matter id, shared within the applicant ("m1" most often)."""
        r = self.r
        e = len(etype)
        choice = np.where(r.p(0.3, e), r.pick(np.array([0, 0, 1, 2, 3]), e), -1)
        choice[etype == TYPE_CODE["annual_revenue"]] = -1
        row_choice = choice[self.event]
        # One dictionary: m1, m2, event-1, then revenue-<year> for every year drawn.
        low, high = int(first_year.min()), int(first_year.max())
        years = tuple(f"revenue-{y}" for y in range(low, high + 1))
        code = np.where(row_choice == 2, 3 + first_year[self.app] - low,
                        np.where(row_choice == 3, 2, row_choice))
        self.cols["matter"] = _dictionary(code, ("m1", "m2", "event-1", *years))

    def _dated(self) -> None:
        dated = np.flatnonzero((self.etype != TYPE_CODE["annual_revenue"]) &
                               (self.etype != FEES))
        self.put("date", dated, self.r.date(len(dated)), "date")

    def _fields(self) -> None:
        r, t = self.r, TYPE_CODE
        w = self.at(t["leading_firm_investment"])
        self.put("paid_in_capital", w, r.edge(100_000_000 * YUAN, len(w), 0.5,
                                              300_000_000 * YUAN), "money")
        self.put("completed_investment", w, r.edge(500_000_000 * YUAN, len(w), 0.4,
                                                   900_000_000 * YUAN), "money")
        self.put("schedule_met", w, r.p(0.85, len(w)), "bool")
        talent, standard = self.at(t["talent_recognition"]), self.at(t["standard_led"])
        level = np.full(self.rows, -1, np.int64)
        level[talent] = r.ints(0, 2, len(talent))
        level[standard] = 3 + r.ints(0, 3, len(standard))
        self.cols["level"] = _dictionary(level, (*LEVELS, *STANDARD_LEVELS))
        self.put("housing_price_per_m2", talent, r.ints(1_000_000, 100_000_000, len(talent)),
                 "money")
        cat = np.flatnonzero((self.etype == t["urgent_talent"]) |
                             (self.etype == t["civil_military_researcher"]))
        self.put_text("category", cat, r.ints(0, 2, len(cat)), CATEGORIES)
        w = self.at(t["project_investment"])
        self.put("total_investment", w, r.edge(50_000_000 * YUAN, len(w), 0.5,
                                               120_000_000 * YUAN), "money")
        half = r.ints(0, 9_999_999, len(w)) * 10 + 5  # 10% of it ends in half a fen
        self.put("actual_investment", w, np.where(r.p(0.2, len(w)), half, r.edge(
            50_000_000 * YUAN, len(w), 0.4, 80_000_000 * YUAN)), "money")
        self.put_text("project_kind", w, r.ints(0, 1, len(w)), PROJECT_KINDS)
        w = self.at(t["ipo_stage"])
        self.put_text("stage", w, r.ints(0, 2, len(w)), STAGES)
        # 30% of 1,666,666,667 fen is a hair over the 5,000,000-yuan cap.
        w = self.at(t["platform_construction"])
        self.put("construction_cost", w, r.edge(1_666_666_667, len(w), 0.4, 3_000_000_000),
                 "money")
        self._fees(w)
        w = self.at(t["pk_demo_project"])
        self.put("rd_investment", w, r.edge(1_666_666_667, len(w), 0.4, 3_000_000_000), "money")
        self.put("selected", w, r.p(0.8, len(w)), "bool")
        w = self.at(t["competition_prize"])
        self.put("rank", w, r.ints(1, 3, len(w)), "int")
        self.put("settles_in_changsha", w, r.p(0.5, len(w)), "bool")
        w = self.at(t["discretionary"])
        self.put_text("rule", w, r.ints(0, len(DISCRETIONARY_RULES) - 1, len(w)),
                      DISCRETIONARY_RULES)

    def _revision(self) -> None:
        """`revision` on 70% of the standards (empty on the rest: false), true on 40% of
        those: local revisions get `local_revision` (contract Revision 2, R5)."""
        r, w = self.r, self.at(TYPE_CODE["standard_led"])
        given = w[r.p(0.7, len(w))]
        self.put("revision", given, r.p(0.4, len(given)), "bool")

    def _fees(self, construction: I64) -> None:
        """Fees on both sides of the start and of the end of the three-year window."""
        r, w = self.r, self.at(FEES)
        event = self.event[w]
        per_event = np.unique(event, return_inverse=True)[1]
        events = int(per_event.max()) + 1 if len(w) else 0
        start = np.where(r.p(0.1, events), _d("2020-02-29"),
                         r.ints(_d("2018-06-01"), _d("2022-06-01"), events))[per_event]
        major = r.p(0.85, events)[per_event]
        both = np.concatenate([construction, w])
        self.put("major_public_platform", both,
                 np.concatenate([r.p(0.85, len(construction)), major]), "bool")
        self.put("operation_start", w, start, "date")
        d = start.astype("datetime64[D]")
        month = d.astype("datetime64[M]")
        end = ((month + 36).astype("datetime64[D]") + (d - month.astype("datetime64[D]"))
               ).astype(np.int64)
        edges = np.stack([start - 1, start, end - 1, end], axis=1)[np.arange(len(w)),
                                                                    r.ints(0, 3, len(w))]
        day = np.where(r.p(0.4, len(w)), edges, start + r.ints(-60, 3 * 366 + 60, len(w)))
        self.put("fee_date", w, day, "date")
        self.put("fee_amount", w, r.edge(250_000_000, len(w), 0.3, 400_000_000), "money")


def _scatter(n: int, where: I64, values: npt.NDArray[Any], dtype: Any) -> npt.NDArray[Any]:
    full = np.zeros(n, dtype)
    full[where] = values
    return full


def _dictionary(codes: I64, values: tuple[str, ...]) -> pa.DictionaryArray:
    indices = pa.array(np.maximum(codes, 0).astype(np.int16), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string()))


def _money(fen: I64, present: Bools) -> pa.Array:
    """decimal(15, 2) straight from the fen (Arrow's decimal64 is the scaled int64)."""
    bitmap = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.Array.from_buffers(MONEY, len(fen), [bitmap, pa.py_buffer(fen)])


def blocks(n: int, seed: int = 0) -> Iterator[pa.Table]:
    """The applicants in blocks (string columns dictionary-encoded per block)."""
    for b, first in enumerate(range(0, n, BLOCK)):
        yield _Block(seed, b, min(BLOCK, n - first)).build()


def table(n: int, seed: int = 0) -> pa.Table:
    """The events table of `n` synthetic applicants: decimal(15, 2) money, date32 dates,
    booleans, int32 integers, strings."""
    parts = [_plain(t) for t in blocks(n, seed)]
    return pa.concat_tables(parts) if parts else _plain(_Block(seed, 0, 0).build())


def _plain(t: pa.Table) -> pa.Table:
    return pa.table({name: (col.cast(pa.string()) if pa.types.is_dictionary(col.type)
                            else col) for name, col in zip(t.column_names, t.columns,
                                                           strict=True)})


def frame(n: int, seed: int = 0) -> pl.DataFrame:
    out = pl.from_arrow(table(n, seed))
    assert isinstance(out, pl.DataFrame)
    return out


def write(path: Path, n: int, seed: int = 0) -> int:
    """Write `n` applicants to Parquet, one row group per block (uncompressed; string columns are
    dictionary-encoded pages, read back as plain strings); returns the row count."""
    rows = 0
    writer: pq.ParquetWriter | None = None
    try:
        for t in blocks(n, seed):
            if writer is None:
                writer = pq.ParquetWriter(path, t.schema, compression="none", store_schema=False,
                                          dictionary_pagesize_limit=1 << 26,
                                          store_decimal_as_integer=True)
            writer.write_table(t, row_group_size=1 << 30)
            rows += t.num_rows
    finally:
        if writer is not None:
            writer.close()
    return rows


def requests(n: int, seed: int = 0, *, as_of: dt.date = AS_OF, dedup_scope: str = "matter",
             milestone_jump: str = "highest") -> list[dict[str, Any]]:
    """The same applicants as `table(n, seed)`, as policyhub.evaluate/1 requests."""
    return to_requests(frame(n, seed), as_of=as_of, dedup_scope=dedup_scope,
                       milestone_jump=milestone_jump)


def write_normalised(path: Path, n: int, seed: int = 0) -> int:
    """The same `n` applicants as `write`, as a normalised input (screen/normalised.py): a
    directory with the applicants table and one table per event type, one row group per
    block; returns the count of event rows."""
    from policyhub.screen.normalised import Writer

    rows = 0
    writer = Writer(path)
    try:
        for t in blocks(n, seed):
            block = pl.from_arrow(_plain(t))
            assert isinstance(block, pl.DataFrame)
            writer.write(block)
            rows += block.height
    finally:
        writer.close()
    return rows
