"""A crawler over the site as one signed-in user (Django's test client): every URL pattern of
the URLconf without parameters, then every same-site link found on the pages, at most a few
URLs per pattern. It records each response's status, the navigation's links, and the
visible text's internal codes, for tests/journeys/test_every_url.py."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

PER_PATTERN = 1  # URLs visited per URL pattern (e.g. two application detail pages)
SKIPPED_PREFIXES = ("/admin/", "/api/", "/i18n/", "/static/", "/accounts/logout/")

# Internal codes no person should read (issue 14): rule ids, the engine's own matter ids,
# option names and English reason codes.
CODE_PATTERNS = {
    "rule id": re.compile(r"\bP\d{1,2}\.[a-z][a-z_]+\b"),
    "matter id": re.compile(r"\bevent-\d+\b"),
    "option name": re.compile(r"\b(dedup_scope|dedup|stacking|prefer)\s*="),
    "reason code": re.compile(r"\((?:[a-z]+_)+[a-z]+\)|\b(?:outside_validity|out_of_scope|"
                              r"not_in_scope|below_threshold|already_recognised|"
                              r"already_settled|local_revision|applicant_kind)\b"),
}


def patterns() -> list[tuple[str, str]]:
    """(route regex, view name) of every URL pattern, with their prefixes."""
    out: list[tuple[str, str]] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            regex = prefix + str(p.pattern.regex.pattern).lstrip("^").rstrip("$").rstrip("\\Z")
            if isinstance(p, URLResolver):
                walk(p, regex)
            elif isinstance(p, URLPattern):
                out.append((regex, p.lookup_str))

    walk(get_resolver(), "")
    return out


class _Page(HTMLParser):
    """Links (with whether they are in the site navigation) and visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self._hidden = 0
        self._nav = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "template", "head"):
            self._hidden += 1
        if tag == "nav" and "site-nav" in (a.get("class") or ""):
            self._nav += 1
        if tag == "a" and a.get("href"):
            self.links.append((a["href"] or "", self._nav > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "head") and self._hidden:
            self._hidden -= 1
        if tag == "nav" and self._nav:
            self._nav -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def visible_text(html: str) -> str:
    """The text a person reads on a page: no tags, scripts, styles or attribute values."""
    page = _Page()
    page.feed(html)
    return " ".join(page.text)


@dataclass
class Visit:
    url: str
    status: int
    found_on: str


@dataclass
class Walk:
    visits: dict[str, Visit] = field(default_factory=dict)
    nav_links: set[str] = field(default_factory=set)
    codes: list[tuple[str, str, str]] = field(default_factory=list)  # (url, kind, code)
    routes_seen: set[str] = field(default_factory=set)


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def crawl(client: Client, starts: list[str]) -> Walk:
    walk = Walk()
    per_route: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque((s, "(URLconf)") for s in starts)
    while queue:
        url, source = queue.popleft()
        url = urldefrag(url).url
        if url in walk.visits or url.startswith(SKIPPED_PREFIXES):
            continue
        route = _route(urlsplit(url).path)
        if route is None:
            continue
        if per_route[route] >= PER_PATTERN:
            continue
        per_route[route] += 1
        walk.routes_seen.add(route)
        response = client.get(url)
        walk.visits[url] = Visit(url, response.status_code, source)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        text = " ".join(page.text)
        for kind, pattern in CODE_PATTERNS.items():
            for m in pattern.finditer(text):
                walk.codes.append((url, kind, m.group(0)))
        for href, in_nav in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if in_nav:
                walk.nav_links.add(target)
            queue.append((target, url))
    return walk
