"""The optional C extension (setup.py, docs/decisions.md): built wherever a C compiler is,
and when it is not, `policyhub screen` runs the NumPy paths and says so in one line."""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

import pytest

from policyhub.screen import accel, cli, synth


def _compiler() -> str | None:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(cc)


def test_the_compiled_module_is_built_where_a_compiler_is() -> None:
    if _compiler() is None:
        pytest.skip("no C compiler here: the extension is optional, the NumPy paths run")
    assert accel.BUILT, "policyhub.screen._accel was not built: `make venv` builds it"
    assert accel.ACTIVE


def test_screen_says_in_one_line_that_the_extension_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "registry.parquet"
    synth.write(source, 20, seed=1)
    monkeypatch.setattr(cli, "BUILT", False)
    monkeypatch.setattr(accel, "ACTIVE", False)
    assert cli.main([str(source), "--as-of", "2021-06-30", "--no-progress"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"policyhub screen: {accel.MISSING}"]


def test_screen_is_silent_about_the_extension_when_it_is_built(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "registry.parquet"
    synth.write(source, 20, seed=1)
    monkeypatch.setattr(cli, "BUILT", True)
    assert cli.main([str(source), "--as-of", "2021-06-30", "--no-progress"]) == 0
    assert capsys.readouterr().err == ""
