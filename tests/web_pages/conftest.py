"""Page tests: personas signed in through the test client, the workflow's day frozen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from policyhub.applications import services
from tests.personas import Personas, personas
from tests.web_pages.helpers import DAY, record_project

Login = Callable[[str], Client]


@pytest.fixture(autouse=True)
def fast_passwords(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.IMPORT_ERRORS_DIR = tmp_path / "import-errors"  # registry.rejected


@pytest.fixture
def people(db: None) -> Personas:
    """The personas, with the applicant's 二(七) project recorded in the registry."""
    p = personas()
    record_project(p.org)
    return p


@pytest.fixture
def login(client: Client, people: Personas) -> Login:
    def sign_in(name: str) -> Client:
        client.force_login(getattr(people, name))
        return client

    return sign_in


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """today(day) makes `day` the workflow's decision day (services.today), DAY at first."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(services, "today", lambda: day)

    set_day(DAY)
    return set_day
