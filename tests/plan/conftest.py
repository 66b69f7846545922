"""Plan tests: evidence files under a temporary MEDIA_ROOT, mail kept in memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from policyhub.accounts.models import Role
from tests.personas import user

DAY = __import__("datetime").date(2020, 12, 31)


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def science_officer(db: None) -> User:
    """Staff of 市科技局, which leads (and reports) the R&D and incubator targets."""
    u = user("science_officer", Role.DEPARTMENT_REVIEWER, unit_code="science")
    u.email = "science@example.cn"
    u.save()
    return u


def evidence(name: str = "证明.pdf", content: bytes = b"%PDF-1.4 evidence") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
