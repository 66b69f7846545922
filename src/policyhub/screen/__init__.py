"""Batch screening (免申即享): decide every applicant of a registry export at once.

`screen_frame(events, options)` is the kernel: a pure function of an events table
(docs/screening.md) holding whole applicants, so any partition by applicant can be decided
on its own (a Dask worker, a batch of row groups) and the results concatenated. It gives,
applicant by applicant, the decision `policyhub.engine.evaluate` gives (without the
explanation texts), in whole fen. This package never imports Django.

The names below are loaded on first use: importing the package (e.g. for
`policyhub.screen.cli`) does not load Polars, so the CLI can configure Polars' thread pool
and allocator before it is loaded.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from policyhub.screen.kernel import Options
    from policyhub.screen.problems import ScreenInputError
    from policyhub.screen.result import ScreenResult, Summary

__all__ = ["Options", "ScreenInputError", "ScreenResult", "Summary", "allocator_conf",
           "collector_off", "screen_frame"]

_LAZY = {
    "Options": "policyhub.screen.kernel",
    "ScreenInputError": "policyhub.screen.problems",
    "ScreenResult": "policyhub.screen.result",
    "Summary": "policyhub.screen.result",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The cyclic garbage collector off inside, and afterwards as it was (for callers in the
    same process). Screening builds NumPy and Arrow buffers, not reference cycles: the
    collector only rescans the modules' objects — about 2% of a run's CPU time, and 30 ms of
    the 0.26 s of imports (both measured)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# Polars' jemalloc for `policyhub screen`: keep freed pages for a few seconds, since every
# batch frees and reallocates the same amounts (policyhub.screen.cli sets it before Polars
# is loaded). Importing Polars writes its own defaults into the environment (its
# __init__), so a parent process that imported Polars hands them on: not a choice made
# for the run, and, taken for one, they made the benchmark's runs fault 50k more pages
# (0.2 s of CPU) than the same command started from a shell.
KEEP_FREED = "dirty_decay_ms:5000,muzzy_decay_ms:5000"
POLARS_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"


def allocator_conf(inherited: str | None) -> str:
    """_RJEM_MALLOC_CONF for a run: ours, then what the environment chose explicitly
    (jemalloc takes the last value of an option, so an explicit one still wins). What a
    parent handed on without choosing it — Polars' defaults, or ours from a parent that ran
    this too — is dropped, so the result does not grow from process to process."""
    explicit = inherited or ""
    while prefix := next((p for p in (POLARS_DEFAULT, KEEP_FREED) if explicit.startswith(p)),
                         None):
        explicit = explicit.removeprefix(prefix).lstrip(",")
    return KEEP_FREED + ("," + explicit if explicit else "")


def screen_frame(events: pl.DataFrame, options: Options, *, first_row: int = 0
                 ) -> ScreenResult:
    """Every decision of `events` (whole applicants), or ScreenInputError.

    `first_row` is the frame's first row in the file, for error messages."""
    from policyhub.screen.encode import encode
    from policyhub.screen.kernel import decide
    from policyhub.screen.result import build

    batch = encode(events, first_row=first_row)
    return build(batch, decide(batch, options))
