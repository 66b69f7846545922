"""`policyhub screen` run in a child process that the command's own process watches.

Polars and pyarrow are native code: on a hostile file they may abort the process
(`memory allocation of 2305843009213693952 bytes failed`, `std::terminate`) where Python
cannot catch anything, and an abort used to leave the output's temporary file behind. So the
console script forks before anything but the standard library is loaded (about 1 ms), the
child screens, and the parent waits for it:

- the child's exit status is the command's (0, or 2 for bad input);
- a child killed by a signal it was not sent (an abort, a crash, the kernel's OOM killer)
  ends the command with exit status 2 and one line on standard error;
- SIGINT, SIGTERM and SIGHUP sent to the parent are passed on to the child, and the command
  ends as if it had received them (128 + the signal);
- whatever happened, the child's temporary output file (io.Output:
  `.NAME.<child pid>.tmp` beside the target) is removed once the child is gone, and the
  child dies with the parent (PR_SET_PDEATHSIG), so no temporary file survives any exit.

Standard library only: it runs before Polars is imported, which is what makes the fork safe.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_BAD_INPUT = 2
PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _paths(argv: Sequence[str]) -> tuple[str, Path | None]:
    """(INPUT, -o FILE) as `policyhub screen` will read them (anything else ignored)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("input", nargs="?", default="")
    parser.add_argument("-o", "--output", type=Path)
    known, _ = parser.parse_known_args(list(argv))
    return str(known.input), known.output


def temporary(output: Path, pid: int) -> Path:
    """The temporary file io.Output of process `pid` writes before renaming it to `output`."""
    return output.with_name(f".{output.name}.{pid}.tmp")


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent still cleans up after it
        pass


def supervised(argv: Sequence[str], work: Callable[[], int]) -> int:
    """Run `work` (the command) in a child process; its exit status, as above."""
    source, output = _paths(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: screen, flush, leave without the interpreter's teardown
        code = 1
        try:
            _die_with_parent()
            code = work()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    received: list[int] = []

    def pass_on(sig: int, _frame: object) -> None:
        received.append(sig)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)

    before = {sig: signal.signal(sig, pass_on) for sig in PASSED_ON}
    try:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries waitpid itself
                continue
    finally:
        for passed, handler in before.items():
            signal.signal(passed, handler)
        if output is not None:
            temporary(output, pid).unlink(missing_ok=True)
    if not os.WIFSIGNALED(status):
        return os.waitstatus_to_exitcode(status)
    sig = os.WTERMSIG(status)
    if sig in received:
        return 128 + sig
    name = signal.Signals(sig).name
    print(f"{source}: cannot be read: screening stopped ({name}: the Parquet reader or memory "
          "failed on this input); nothing was written.", file=sys.stderr)
    return EXIT_BAD_INPUT
