from __future__ import annotations

import pytest
from django.test import Client

from tests.personas import Personas, personas


@pytest.fixture
def people(db: None) -> Personas:
    return personas()


@pytest.fixture
def login(client: Client, people: Personas):  # type: ignore[no-untyped-def]
    """login("reviewer") signs the test client in as that persona and returns the client."""

    def sign_in(name: str) -> Client:
        client.force_login(getattr(people, name))
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    # Personas create eight users per test; the default hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
