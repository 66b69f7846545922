"""Run a test with the encoder's compiled passes on and off (policyhub.screen.accel)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from policyhub.screen import accel


@contextlib.contextmanager
def active(on: bool) -> Iterator[None]:
    """The compiled passes on (when built) or off inside; as they were afterwards."""
    before = accel.ACTIVE
    accel.ACTIVE = on and accel.BUILT
    try:
        yield
    finally:
        accel.ACTIVE = before


def both() -> Iterator[bool]:
    """Each mode in turn, switched on for the body of the caller's loop."""
    for on in (True, False):
        with active(on):
            yield on
