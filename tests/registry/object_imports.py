"""Shared by the organisation, person and team import tests: upload through the import page
as a persona, and the roles that may or may not import the registry's own objects."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.personas import Personas

MAY_IMPORT = ("bureau_officer", "admin")
MAY_NOT_IMPORT = ("applicant", "park_officer", "reviewer", "finance", "auditor", "outsider")


def post(user: User, kind: str, name: str, body: bytes) -> Any:
    """The upload, followed to the import job's page (the job runs inline in tests)."""
    client = Client()
    client.force_login(user)
    return client.post(reverse("registry:import"),
                       {"kind": kind, "file": SimpleUploadedFile(name, body)}, follow=True)


def persona(p: Personas, name: str) -> User:
    user: User = getattr(p, name)
    return user
