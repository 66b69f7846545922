"""The registry's import kinds for background jobs (imports.kinds): yearly figures and events,
and the registry's own objects (organisations, people, teams: registry.imports_objects).

Any signed-in user may start a figures or events import; each row is then checked against
what that user may edit (registry.permissions.can_edit, in registry.io), so an applicant
imports only its own organisation's figures and a park officer those of its park. Only
registry staff import organisations, people and teams (permissions.can_import_objects); those
files are small (a city's organisations are thousands of rows), so they are written in one
transaction after the whole file is checked."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_noop

from policyhub.imports.kinds import Actor, Decision, ImportKind, Outcome, Plan, Progress, register
from policyhub.registry import imports_objects, io, permissions, template_file


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


register(_kind("figures", gettext_noop("登记库年度数据")),
         _kind("events", gettext_noop("登记库政策事件")))


def _objects_may_start(user: AbstractBaseUser | AnonymousUser) -> Decision:
    return permissions.can_import_objects(user)


def _validate_objects(kind: str, path: Path, actor: Actor, progress: Progress) -> Plan:
    checked = imports_objects.validate_file(path, kind, actor=actor)
    progress.read(checked.rows)
    progress.validated(checked.rows)
    return Plan(checked.rows, checked)


def _write_objects(plan: Plan, actor: Actor, progress: Progress) -> Outcome:
    result = imports_objects.write_validated(plan.data, actor=actor)
    progress.wrote(result.rows, 1)
    return Outcome(result.rows, result.created, result.updated, result.unchanged)


# Whole literals (not "登记库" + label) so that each label is one message to translate.
OBJECT_LABELS = {"organisations": gettext_noop("登记库主体"), "people": gettext_noop("登记库人才"),
                 "teams": gettext_noop("登记库团队")}


def _object_kind(kind: str) -> ImportKind:
    return ImportKind(f"registry.{kind}", OBJECT_LABELS[kind],
                      _objects_may_start, partial(_validate_objects, kind), _write_objects,
                      page="registry:import",
                      template=partial(imports_objects.template_bytes, kind))


register(*(_object_kind(kind) for kind in imports_objects.KINDS))
