"""The demo's logins (docs/demo.md, "Logins"): one per role, with Chinese display names, all
with the password `PASSWORD`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.registry.models import Organisation
from policyhub.units import seed as unit_seed
from policyhub.units.models import Unit

PASSWORD = "policyhub-demo"
REVIEWING = ("miit", "hrss", "finance-office", "cac")  # the units clauses.yaml names
# Lead units of action-plan targets with nobody else to report or record for them
# (市科技局 reports most reported targets; 市数据资源局 records terminals and migration).
PLAN_UNITS = ("science", "data")



@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str  # Role value
    scope: str  # the unit or organisation it acts for ("全市" for city-wide roles)
    superuser: bool = False

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


STAFF_NAMES = ("王建国", "李晓燕", "张志强", "刘海涛", "陈静", "杨帆", "赵敏", "黄立新", "周文博",
               "吴婷", "徐明辉", "孙丽娟", "胡志伟", "朱晓东", "高雅琴", "林子豪", "何建华",
               "郭晓峰", "马丽", "罗振宇")
APPLICANT_NAMES = ("彭湘君", "曾凡宇", "谢雨桐", "唐嘉欣")


def park_username(code: str) -> str:
    return "park_officer" if code == "hitech" else f"park_officer_{code}"


def reviewer_username(code: str) -> str:
    return "department_reviewer" if code == "miit" else f"department_reviewer_{code}"


def _applicant_username(i: int) -> str:
    return "applicant" if i == 0 else f"applicant{i + 1}"


def staff_logins() -> list[Login]:
    """Every staff login, in the order docs/demo.md lists them."""
    names = iter(STAFF_NAMES)
    units = dict(Unit.objects.values_list("code", "name"))
    out = [Login("admin", next(names), Role.ADMINISTRATOR, "全市", superuser=True),
           Login("bureau_officer", next(names), Role.BUREAU_OFFICER, units["miit"]),
           Login("finance_officer", next(names), Role.FINANCE_OFFICER, units["finance"]),
           Login("auditor", next(names), Role.AUDITOR, "全市")]
    out += [Login(reviewer_username(code), next(names), Role.DEPARTMENT_REVIEWER, units[code])
            for code in REVIEWING]
    out += [Login(park_username(code), next(names), Role.PARK_OFFICER, units[code])
            for code, _name, _district in unit_seed.PARKS]
    out += [Login(reviewer_username(code), next(names), Role.DEPARTMENT_REVIEWER, units[code])
            for code in PLAN_UNITS]
    return out


@dataclass
class Users:
    by_name: dict[str, User] = field(default_factory=dict)
    applicants: dict[int, User] = field(default_factory=dict)  # organisation pk → user
    logins: list[Login] = field(default_factory=list)

    def get(self, username: str) -> User:
        return self.by_name[username]


def create_users(applicant_orgs: Sequence[Organisation]) -> Users:
    # One hash for every demo login: the password is documented anyway, and hashing it
    # twenty times would cost seconds (PBKDF2 is slow on purpose).
    hashed = make_password(PASSWORD)
    units = {u.code: u for u in Unit.objects.all()}
    users = Users()
    logins = staff_logins()
    for i, org in enumerate(applicant_orgs):
        logins.append(Login(_applicant_username(i), APPLICANT_NAMES[i % len(APPLICANT_NAMES)],
                            Role.APPLICANT, org.name))
    for login in logins:
        user = User.objects.create(username=login.username, first_name=login.name,
                                   password=hashed, is_staff=login.superuser,
                                   is_superuser=login.superuser,
                                   email=f"{login.username}@demo.policyhub.invalid")
        users.by_name[login.username] = user
    for login in logins:
        user = users.by_name[login.username]
        if login.role == Role.APPLICANT:
            org = applicant_orgs[len(users.applicants)]
            RoleAssignment.objects.create(user=user, role=login.role, organisation=org)
            users.applicants[org.pk] = user
        else:
            unit = next((u for u in units.values() if u.name == login.scope), None)
            RoleAssignment.objects.create(user=user, role=login.role, unit=unit)
    users.logins = logins
    return users

