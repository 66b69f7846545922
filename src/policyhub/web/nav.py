"""Navigation bar entries and the links the home page offers to each role.

Links name URL patterns, not paths, so the pages other apps add later appear as soon as
their URL names exist; until then the link shows as 建设中 (not yet available) instead of
breaking every page with NoReverseMatch. A link may name fallbacks, tried in order when its
own page is not there (yet): 行动计划监测 is the leaders' dashboard when it is mounted, else the
plan's progress page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from policyhub.accounts.models import Role


@dataclass(frozen=True)
class Link:
    label: Promise
    url_name: str
    fallbacks: tuple[str, ...] = ()  # URL names tried, in order, when url_name does not resolve

    def url(self) -> str | None:
        for name in (self.url_name, *self.fallbacks):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return None


HOME = Link(_("首页"), "home")
REGISTRY = Link(_("主体登记"), "registry:index")
APPLICATIONS = Link(_("申报审核"), "applications:index")
LEDGER = Link(_("专项资金"), "ledger:index")
POLICY = Link(_("政策原文"), "web:policy")
RULES = Link(_("政策规则与参数"), "web:rules")
EVALUATE = Link(_("政策试算"), "web:evaluate")
API_DOCS = Link(_("API文档"), "api:openapi-view")
ADMIN = Link(_("系统管理"), "admin:index")
# 行动计划监测: the dashboard (plan.dashboard_urls) when mounted, else the plan's index.
PLAN = Link(_("行动计划监测"), "dashboard:index", fallbacks=("plan:index",))
# 服务中心: a centres index when one exists; until then the adaptation centre's records, the
# first of the six centre apps (centres/urls.py: namespaces centres_<app>).
CENTRES = Link(_("服务中心"), "centres:index", fallbacks=("centres_adaptation:adaptations-list",))
# The public PK 软硬件实施清单 (计划/二/(四)/2#3): every passing adaptation, no login needed.
CATALOGUE = Link(_("PK实施清单"), "centres_adaptation:catalogue")

NAVIGATION: tuple[Link, ...] = (HOME, REGISTRY, APPLICATIONS, LEDGER, PLAN, CENTRES, CATALOGUE,
                                POLICY, API_DOCS)

ROLE_LINKS: dict[Role, tuple[Link, ...]] = {
    Role.APPLICANT: (REGISTRY, APPLICATIONS, EVALUATE),
    Role.PARK_OFFICER: (APPLICATIONS, REGISTRY, EVALUATE, PLAN, CENTRES),
    Role.DEPARTMENT_REVIEWER: (APPLICATIONS, EVALUATE, RULES, PLAN, CENTRES),
    Role.BUREAU_OFFICER: (APPLICATIONS, LEDGER, EVALUATE, PLAN, CENTRES),
    Role.FINANCE_OFFICER: (LEDGER, APPLICATIONS, PLAN),
    Role.AUDITOR: (APPLICATIONS, LEDGER, REGISTRY, PLAN, CENTRES),
    Role.ADMINISTRATOR: (ADMIN, REGISTRY, APPLICATIONS, LEDGER, PLAN, CENTRES),
}
# Offered to every signed-in user, whatever their roles.
COMMON_LINKS: tuple[Link, ...] = (POLICY, RULES, EVALUATE, CATALOGUE)


def links_for(roles: list[Role]) -> list[Link]:
    """The role links of every role held, then the common ones, each once, in order."""
    seen: dict[str, Link] = {}
    for role in roles:
        for link in ROLE_LINKS.get(role, ()):
            seen.setdefault(link.url_name, link)
    for link in COMMON_LINKS:
        seen.setdefault(link.url_name, link)
    return list(seen.values())


def is_active(url: str | None, path: str) -> bool:
    """The home link is active only on "/", any other on its own path and below it."""
    if url is None:
        return False
    return path == url if url == "/" else path.startswith(url)
