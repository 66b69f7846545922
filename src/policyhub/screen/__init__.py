"""Batch screening (免申即享): decide every applicant of a registry export at once.

`screen_frame(events, options)` is the kernel: a pure function of an events table
(docs/screening.md) holding whole applicants, so any partition by applicant can be decided
on its own (a Dask worker, a batch of row groups) and the results concatenated. It gives,
applicant by applicant, the decision `policyhub.engine.evaluate` gives (without the
explanation texts), in whole fen. This package never imports Django.
"""

from __future__ import annotations

import polars as pl

from policyhub.screen.encode import encode
from policyhub.screen.kernel import Options, decide
from policyhub.screen.problems import ScreenInputError
from policyhub.screen.result import ScreenResult, Summary, build

__all__ = ["Options", "ScreenInputError", "ScreenResult", "Summary", "screen_frame"]


def screen_frame(events: pl.DataFrame, options: Options, *, first_row: int = 0
                 ) -> ScreenResult:
    """Every decision of `events` (whole applicants), or ScreenInputError.

    `first_row` is the frame's first row in the file, for error messages."""
    batch = encode(events, first_row=first_row)
    return build(batch, decide(batch, options))
