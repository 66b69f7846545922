"""Login throttling (django-axes): after POLICYHUB_LOGIN_FAILURE_LIMIT wrong passwords for one
user name, that name cannot sign in for POLICYHUB_LOGIN_COOLOFF_MINUTES, right password or not.

The lock is per user name, not per address: behind the reverse proxy every address is the
proxy's, and a guesser spreading over many addresses is still stopped. The price — anyone can
lock a known name out for the cool-off — is the usual one; docs/security.md says so.
Each lock is written once to the audit trail (not each refused attempt, which would let a
guesser fill it).
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest

from policyhub.audit.services import record

LOCKED = "accounts.login.locked"


class LoginThrottleBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes is untyped
    """Axes' check, for sign-ins that come with a request (the login page, the admin's).

    `authenticate()` without a request is no HTTP sign-in (a test client's `login()`, a
    command checking a password); axes refuses to run without one, so it is let through to
    the next backend, which checks the password as before.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)  # raises when locked
        return None


def record_lockout(sender: object, request: HttpRequest, username: str | None,
                   **kwargs: Any) -> None:
    """axes' user_locked_out: audit the moment a name gets locked (axes sends the signal
    again for every attempt during the lock; those are not written)."""
    from django.conf import settings

    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    minutes = settings.AXES_COOLOFF_TIME.total_seconds() // 60
    record(None, LOCKED, allowed=False,
           reason=f"连续{settings.AXES_FAILURE_LIMIT}次密码错误，锁定{minutes:.0f}分钟",
           username=(username or "")[:150])
