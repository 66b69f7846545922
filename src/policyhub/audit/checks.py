"""`manage.py check --deploy`: the audit key must be a real secret in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

MIN_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def audit_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    key = str(settings.AUDIT_KEY)
    if key == settings.DEV_AUDIT_KEY or len(key) < MIN_KEY_LENGTH:
        return [CheckWarning(
            "POLICYHUB_AUDIT_KEY is the development key or shorter than "
            f"{MIN_KEY_LENGTH} characters: anyone who can write the database could rewrite "
            "the audit trail and recompute its chain.",
            hint="Set POLICYHUB_AUDIT_KEY to a random secret kept outside the database "
                 "(docs/design.md, 'Tamper evidence').",
            id="audit.W001")]
    return []
