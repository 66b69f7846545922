"""Navigation bar entries and the links the home page offers to each role.

Links name URL patterns, not paths, so the pages other apps add later appear as soon as
their URL names exist; until then the link shows as 建设中 (not yet available) instead of
breaking every page with NoReverseMatch. A link may name fallbacks, tried in order when its
own page is not there (yet): 行动计划监测 is the leaders' dashboard when it is mounted, else the
plan's progress page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser
from policyhub.web import access


def _everyone(user: AnyUser) -> bool:
    return True


@dataclass(frozen=True)
class Link:
    label: Promise
    url_name: str
    fallbacks: tuple[str, ...] = ()  # URL names tried, in order, when url_name does not resolve
    # Whether the page would let `user` in: a link is never shown to someone it would refuse.
    visible: Callable[[AnyUser], bool] = _everyone

    def url(self) -> str | None:
        for name in (self.url_name, *self.fallbacks):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None


HOME = Link(_("首页"), "home")
TODO = Link(_("待办"), "web:todo", visible=access.has_any_role)
REGISTRY = Link(_("主体登记"), "registry:index", visible=access.has_any_role)
APPLICATIONS = Link(_("申报审核"), "applications:index", visible=access.has_any_role)
LEDGER = Link(_("专项资金"), "ledger:index", visible=access.reads_ledger)
POLICY = Link(_("政策原文"), "web:policy")
RULES = Link(_("政策规则与参数"), "web:rules")
EVALUATE = Link(_("政策试算"), "web:evaluate", visible=access.signed_in)
API_DOCS = Link(_("API文档"), "api:openapi-view")
ADMIN = Link(_("系统管理"), "admin:index", visible=access.is_django_staff)
AUDIT = Link(_("审计追踪"), "web:audit", visible=access.reads_audit)
# 行动计划监测: the dashboard (plan.dashboard_urls) when mounted, else the plan's index.
PLAN = Link(_("行动计划监测"), "dashboard:index", fallbacks=("plan:index",),
            visible=access.reads_plan)
# 服务中心: the index of the six centres and their record types (web.views.centres), shown to
# whoever may read at least one of them.
CENTRES = Link(_("服务中心"), "web:centres", visible=access.reads_a_centre)
# 政策模拟: the bureau's reform simulation (web.views.simulation), for its officers only.
SIMULATE = Link(_("政策模拟"), "web:simulation", visible=access.is_bureau_officer)
# The public PK 软硬件实施清单 (计划/二/(四)/2#3): every passing adaptation, no login needed.
CATALOGUE = Link(_("PK实施清单"), "centres_adaptation:catalogue")

NAVIGATION: tuple[Link, ...] = (HOME, TODO, REGISTRY, APPLICATIONS, EVALUATE, LEDGER, PLAN,
                                SIMULATE, CENTRES, AUDIT, CATALOGUE, POLICY)

ROLE_LINKS: dict[Role, tuple[Link, ...]] = {
    Role.APPLICANT: (TODO, EVALUATE, APPLICATIONS, REGISTRY),
    Role.PARK_OFFICER: (TODO, APPLICATIONS, REGISTRY, EVALUATE, PLAN, CENTRES),
    Role.DEPARTMENT_REVIEWER: (TODO, APPLICATIONS, EVALUATE, RULES, PLAN, CENTRES),
    Role.BUREAU_OFFICER: (TODO, APPLICATIONS, LEDGER, EVALUATE, PLAN, SIMULATE, CENTRES),
    Role.FINANCE_OFFICER: (TODO, LEDGER, APPLICATIONS, PLAN, CENTRES),
    Role.AUDITOR: (AUDIT, APPLICATIONS, LEDGER, REGISTRY, PLAN, CENTRES),
    Role.ADMINISTRATOR: (ADMIN, AUDIT, REGISTRY, APPLICATIONS, LEDGER, PLAN, CENTRES),
}
# Offered to every signed-in user, whatever their roles.
COMMON_LINKS: tuple[Link, ...] = (POLICY, RULES, EVALUATE, CATALOGUE)


def links_for(roles: list[Role], user: AnyUser | None = None) -> list[Link]:
    """The role links of every role held, then the common ones, each once, in order; with
    `user`, only those whose page would let the user in."""
    seen: dict[str, Link] = {}
    for role in roles:
        for link in ROLE_LINKS.get(role, ()):
            seen.setdefault(link.url_name, link)
    for link in COMMON_LINKS:
        seen.setdefault(link.url_name, link)
    return [link for link in seen.values() if user is None or link.visible(user)]


def navigation(user: AnyUser) -> list[Link]:
    """The navigation bar's links for `user`: none that would answer 403."""
    return [link for link in NAVIGATION if link.visible(user)]


def is_active(url: str | None, path: str) -> bool:
    """The home link is active only on "/", any other on its own path and below it."""
    if url is None:
        return False
    return path == url if url == "/" else path.startswith(url)
