"""Browser tests: Debian's Chromium driven by Playwright for Python against pytest-django's
live_server. `make browsers` (scripts/ensure-browsers) installs Chromium and the CJK fonts;
Playwright's own browser download does not work on this network, hence executable_path.

    def test_something(page, live_server, people):
        login_as(page, live_server.url, "reviewer")
        ...
        screenshot(page, "something")
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.personas import Personas, personas

# Playwright's sync API runs an asyncio loop in this thread, so Django refuses ORM calls
# from the test body ("you cannot call this from an async context") unless told that is safe
# here: the loop belongs to Playwright, not to Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("POLICYHUB_CHROMIUM", "/usr/bin/chromium"))
# Headless as root on a closed network: without the background-networking flags Chromium
# keeps trying (and failing) to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PASSWORD = "pw-{}"  # tests.personas gives every persona this password
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-browsers (make browsers)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(transactional_db: None) -> Personas:
    # live_server needs committed rows (transactional_db); mark tests with
    # serialized_rollback=True so the units seeded by migrations survive the flush.
    return personas()


def login_as(page: Any, base_url: str, username: str) -> None:
    """Sign in through the login form as a persona of tests.personas."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD.format(username))
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG as build/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
