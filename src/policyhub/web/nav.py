"""Navigation bar entries and the links the home page offers to each role.

Links name URL patterns, not paths, so the pages other apps add later appear as soon as
their URL names exist; until then the link shows as 建设中 (not yet available) instead of
breaking every page with NoReverseMatch.
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

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
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

NAVIGATION: tuple[Link, ...] = (HOME, REGISTRY, APPLICATIONS, LEDGER, POLICY, API_DOCS)

ROLE_LINKS: dict[Role, tuple[Link, ...]] = {
    Role.APPLICANT: (REGISTRY, APPLICATIONS, EVALUATE),
    Role.PARK_OFFICER: (APPLICATIONS, REGISTRY, EVALUATE),
    Role.DEPARTMENT_REVIEWER: (APPLICATIONS, EVALUATE, RULES),
    Role.BUREAU_OFFICER: (APPLICATIONS, LEDGER, EVALUATE),
    Role.FINANCE_OFFICER: (LEDGER, APPLICATIONS),
    Role.AUDITOR: (APPLICATIONS, LEDGER, REGISTRY),
    Role.ADMINISTRATOR: (ADMIN, REGISTRY, APPLICATIONS, LEDGER),
}
# Offered to every signed-in user, whatever their roles.
COMMON_LINKS: tuple[Link, ...] = (POLICY, RULES, EVALUATE)


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
