"""policyhub.screen.guard: `policyhub screen` runs in a watched child process, so an abort
in native code ends with exit 2 and one line, and no temporary output file survives."""

from __future__ import annotations

import faulthandler
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from policyhub.screen import guard


def _argv(tmp_path: Path) -> tuple[list[str], Path]:
    target = tmp_path / "decisions.parquet"
    return ["registry.parquet", "-o", str(target), "--as-of", "2021-06-30"], target


def _half_written(target: Path) -> None:
    guard.temporary(target, os.getpid()).write_bytes(b"PAR1 half")


def test_an_abort_in_native_code_ends_with_exit_2_one_line_and_no_temporary_file(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    argv, target = _argv(tmp_path)

    def aborts() -> int:
        _half_written(target)
        faulthandler.disable()  # (pytest's would print the stack on its own copy of stderr)
        os.abort()  # as Polars' "memory allocation of … bytes failed" does

    assert guard.supervised(argv, aborts) == 2
    err = capfd.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("registry.parquet: cannot be read")
    assert "SIGABRT" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("code", [0, 2])
def test_the_commands_exit_status_is_passed_on(tmp_path: Path, code: int) -> None:
    argv, target = _argv(tmp_path)

    def screens() -> int:
        target.write_text("done")
        return code

    assert guard.supervised(argv, screens) == code
    assert [p.name for p in tmp_path.iterdir()] == ["decisions.parquet"]


def test_a_terminated_command_ends_as_terminated_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    argv, target = _argv(tmp_path)
    ready = tmp_path / "ready"

    def waits() -> int:
        _half_written(target)
        ready.touch()
        time.sleep(60)
        return 0

    def terminate_when_ready() -> None:
        for _ in range(2000):
            if ready.exists():
                break
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)  # to the watching process, as `kill` would

    threading.Thread(target=terminate_when_ready, daemon=True).start()
    assert guard.supervised(argv, waits) == 128 + signal.SIGTERM
    assert [p.name for p in tmp_path.iterdir()] == ["ready"]
