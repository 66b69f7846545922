"""Each service centre's record types as import kinds for background jobs (imports.kinds):
`centres.<app>.<slug>`, started by whoever may create such records (the type's can_create)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from policyhub.centres.common import RecordType, save_planned, validate_table
from policyhub.centres.registry import record_types
from policyhub.imports.kinds import Actor, ImportKind, Outcome, Plan, Progress, register


def _validate(spec: RecordType[Any], path: Path, actor: Actor, progress: Progress) -> Plan:
    planned = validate_table(spec, path.read_bytes(), path.name, actor=actor,
                             track=progress.track, read=progress.read)
    return Plan(len(planned), planned, {"file": path.name})


def _write(spec: RecordType[Any], plan: Plan, actor: Actor, progress: Progress) -> Outcome:
    count = save_planned(spec, plan.data, plan.summary["file"], actor=actor,
                         report=progress.wrote)
    return Outcome(count, created=count)


def _kind(key: str, spec: RecordType[Any]) -> ImportKind:
    app = key.split(".", 1)[0]
    return ImportKind(f"centres.{key}", str(spec.title), spec.can_create,
                      partial(_validate, spec), partial(_write, spec),
                      page=f"centres_{app}:{spec.slug}-import")


register(*(_kind(key, spec) for key, spec in record_types().items()))
