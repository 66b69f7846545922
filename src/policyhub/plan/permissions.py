"""Who may see the plan's progress and who may report a value. Each returns (allowed, reason)."""

from __future__ import annotations

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser, assignments
from policyhub.plan.models import Target
from policyhub.units.models import Unit

Decision = tuple[bool, str]
OK: Decision = (True, "")
OVERSIGHT = (Role.AUDITOR, Role.ADMINISTRATOR)


def staff_unit_ids(user: AnyUser) -> set[int]:
    """Units the user works for, whatever the role (a unit's staff report its numbers)."""
    return {a.unit_id for a in assignments(user) if a.unit_id is not None}


def can_view(user: AnyUser) -> Decision:
    if not user.is_authenticated:
        return False, "请先登录。"
    held = assignments(user)
    if any(a.unit_id is not None or a.role in OVERSIGHT for a in held):
        return OK
    return False, "行动计划监测仅向各责任单位工作人员、审计和系统管理员开放。"


def can_report(user: AnyUser, target: Target, unit: Unit) -> Decision:
    if not user.is_authenticated:
        return False, "请先登录。"
    if not target.reported:
        return False, f"“{target.label}”由登记数据自动计算，无需报送。"
    if unit.pk != target.lead_unit_id:
        return False, f"“{target.label}”由{target.lead_unit.name}报送。"
    if unit.pk not in staff_unit_ids(user):
        return False, f"只有{unit.name}的工作人员可以报送该单位的数据。"
    return OK
