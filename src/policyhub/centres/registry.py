"""Every record type of the six centre apps, by "<app>.<slug>" (for the import command)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from policyhub.centres.common import RecordType
from policyhub.centres.urls import APPS


def record_types() -> dict[str, RecordType[Any]]:
    out: dict[str, RecordType[Any]] = {}
    for app in APPS:
        for spec in import_module(f"policyhub.centres.{app}.records").RECORD_TYPES:
            out[f"{app}.{spec.slug}"] = spec
    return out
