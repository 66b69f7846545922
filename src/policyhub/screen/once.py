"""The readings of contract Revision 2 that look at an applicant's events together, vectorised.

- R2 talent and R3 settlement are paid once per applicant: of the events that pass the
  general gates (and, for the settlement, settle), the best — by the text's precedence of
  levels or ranks, ties to the earliest date, then the lowest event_index — pays; every other
  gets the rule's `once` reason (`best_of`).
- R3: the cap of a 一事一议 settlement item is the text's cap less the standard settlement
  granted in the same decision, after 就高不就低, never below 0 (`caps_less`).

engine.rules.settle_once and engine.evaluate are the reference; tests/screen compares them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from policyhub.screen.tables import NONE

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def best_of(app: I64, rank: I64, day: I64, ev: I64, ok: Bools) -> tuple[Bools, Bools]:
    """(best, others) among the rows where `ok`: per applicant, the row with the lowest
    (rank, day, ev) is the best; the other `ok` rows are the others."""
    best = np.zeros(len(app), np.bool_)
    at = np.flatnonzero(ok)
    if len(at) == 0:
        return best, best.copy()
    order = at[np.lexsort((ev[at], day[at], rank[at], app[at]))]
    a = app[order]
    first = np.ones(len(order), np.bool_)
    first[1:] = a[1:] != a[:-1]
    best[order[first]] = True
    others: Bools = ok & ~best
    return best, others


def caps_less(cap: I64, app: I64, granted: I64) -> I64:
    """Each cap less the amount `granted` to its applicant (fen per applicant), never below
    0; no cap (NONE) stays none."""
    less = np.maximum(cap - np.take(granted, app), 0)
    out: I64 = np.where(cap == NONE, NONE, less)
    return out
