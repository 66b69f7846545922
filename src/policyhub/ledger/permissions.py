"""Who may read the fund's books: the finance bureau, the industry bureau, auditors, admins."""

from __future__ import annotations

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser, has_role

READERS = (Role.FINANCE_OFFICER, Role.BUREAU_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR)


def can_read_reports(user: AnyUser) -> tuple[bool, str]:
    if not user.is_authenticated:
        return False, "请先登录：专项资金台账仅对市财政局、市工业和信息化局、审计和管理员开放"
    if any(has_role(user, role) for role in READERS):
        return True, ""
    names = "、".join(str(role.label) for role in READERS)
    return False, f"专项资金台账仅对以下角色开放：{names}；您没有这些角色"
