"""The registry's import kinds for background jobs (imports.kinds): yearly figures and events.

Any signed-in user may start one; each row is then checked against what that user may edit
(registry.permissions.can_edit, in registry.io), so an applicant imports only its own
organisation's figures and a park officer those of its park."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from policyhub.imports.kinds import Actor, Decision, ImportKind, Outcome, Plan, Progress, register
from policyhub.registry import io, template_file


def _signed_in(user: AbstractBaseUser | AnonymousUser) -> Decision:
    return (True, "") if user.is_authenticated else (False, "请先登录")


def _validate(kind: io.Kind, path: Path, actor: Actor, progress: Progress) -> Plan:
    return io.validate_file(path, kind, actor=actor, progress=progress)


def _write(plan: Plan, actor: Actor, progress: Progress) -> Outcome:
    result = io.write_plan(plan, actor=actor, progress=progress)
    return Outcome(result.rows, result.created, result.updated, result.unchanged)


def _kind(kind: io.Kind, label: str) -> ImportKind:
    return ImportKind(f"registry.{kind}", label, _signed_in, partial(_validate, kind), _write,
                      page="registry:import", template=partial(template_file.template_bytes, kind))


register(_kind("figures", "登记库年度数据"), _kind("events", "登记库政策事件"))
