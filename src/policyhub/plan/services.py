"""Plan services: typed functions taking domain objects and the acting user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction

from policyhub import clock
from policyhub.audit.services import record
from policyhub.plan import permissions
from policyhub.plan.models import Report, Target
from policyhub.units.models import Unit

MAX_SHARE = Decimal(100)


class Refused(PermissionDenied):
    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def value_problem(target: Target, value: Decimal) -> str:
    """Why a value cannot be a value of this target ("" when it can)."""
    if not value.is_finite():
        return "请输入有效数字。"
    if value < 0:
        return "报送值不能为负数。"
    if target.kind == Target.Kind.SHARE and value > MAX_SHARE:
        return "占比不能超过100%。"
    return ""


def as_of_problem(target: Target, as_of: dt.date, today: dt.date) -> str:
    if as_of > today:
        return "截至日期不能晚于今天。"
    if as_of < target.start:
        return f"截至日期不能早于行动计划开始日（{target.start:%Y-%m-%d}）。"
    return ""


def submit_report(actor: User, target: Target, unit: Unit, *, value: Decimal,
                  as_of: dt.date, evidence: File[Any], note: str = "",
                  today: dt.date | None = None) -> Report:
    """Append a report (audited). Refused (audited) when the actor may not report it;
    ValidationError naming the field when the value or date cannot be right."""
    allowed, reason = permissions.can_report(actor, target, unit)
    if not allowed:
        record(actor, "plan.report", target, allowed=False, reason=reason, unit=unit.code)
        raise Refused(reason)
    problems = {"value": value_problem(target, value),
                "as_of": as_of_problem(target, as_of, today or clock.today())}
    if any(problems.values()):
        raise ValidationError({k: v for k, v in problems.items() if v})
    with transaction.atomic():
        report = Report.objects.create(target=target, unit=unit, value=value, as_of=as_of,
                                       reporter=actor, evidence=evidence, note=note)
        record(actor, "plan.report", report, allowed=True, target=target.code,
               unit=unit.code, value=str(value), as_of=as_of.isoformat())
    return report
