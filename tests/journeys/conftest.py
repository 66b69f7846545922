"""Journey tests run over the demo (policyhub.demo), loaded small; evidence and
attachment files go to a temporary MEDIA_ROOT."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

DEMO_ORGANISATIONS = "60"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load_demo() -> None:
    call_command("load_demo", "--organisations", DEMO_ORGANISATIONS, stdout=StringIO())
