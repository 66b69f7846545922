"""The screening options (the CLI's flags, a request's as_of and options).

Kept apart from the kernel and the schema, which import the engine and its parameters: the
CLI parses its arguments and starts reading the input before those are loaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The contract's options and their allowed values, the default first (as
# policyhub.engine.request.OPTIONS; a test keeps the two equal).
OPTIONS = {"dedup_scope": ("matter", "applicant"), "milestone_jump": ("highest", "cumulative")}


@dataclass(frozen=True)
class Options:
    """The CLI flags, applied to every applicant (the request's as_of and options)."""

    as_of: dt.date
    dedup_scope: str = "matter"
    milestone_jump: str = "highest"
