"""src/policyhub/config/gunicorn.conf.py: the production server's defaults and overrides."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

CONF = Path(__file__).resolve().parents[2] / "src" / "policyhub" / "config" / "gunicorn.conf.py"


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in list(os.environ):
        if name.startswith("POLICYHUB_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_it_serves_loopback_with_one_sync_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = load(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["workers"] == os.cpu_count()
    assert conf["worker_class"] == "sync"
    assert conf["wsgi_app"] == "policyhub.config.wsgi:application"


def test_it_reads_its_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = load(monkeypatch, POLICYHUB_WORKERS="3", POLICYHUB_WORKER_CLASS="gthread")
    assert (conf["workers"], conf["worker_class"]) == (3, "gthread")


def test_a_bad_worker_count_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="POLICYHUB_WORKERS"):
        load(monkeypatch, POLICYHUB_WORKERS="many")
