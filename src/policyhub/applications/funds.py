"""The special fund (二(一)), reached through the ledger app's services.

One small adapter per ledger call, so the workflow does not depend on the ledger's
internals. Until `policyhub.ledger.services` provides a function, the call is recorded in
the audit trail as `applications.ledger_unwired` rather than silently dropped.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from policyhub.applications.config import subsection
from policyhub.applications.models import Application
from policyhub.audit.services import record

Actor = AbstractBaseUser | AnonymousUser | None


class FundRefused(Exception):
    """The ledger refused (insufficient funds …); the message is shown to the actor."""


def _ledger(name: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("policyhub.ledger.services")
    except ImportError:
        return None
    found: Callable[..., Any] | None = getattr(module, name, None)
    return found


def _call(name: str, app: Application, actor: Actor, *args: Any, **kwargs: Any) -> None:
    fn = _ledger(name)
    if fn is None:
        record(actor, "applications.ledger_unwired", app, call=name,
               args=[str(a) for a in args], kwargs={k: str(v) for k, v in kwargs.items()})
        return
    try:
        fn(*args, **kwargs)
    except Exception as exc:
        # The ledger's own errors (InsufficientFunds …) refuse the move; ours propagate.
        if type(exc).__module__.startswith("policyhub.ledger"):
            raise FundRefused(str(exc) or type(exc).__name__) from exc
        raise


def payee(app: Application) -> str:
    """The ledger's payee label: the applicant's name (an organisation with its credit code,
    as before people and teams applied)."""
    return str(app.applicant)


def district(app: Application) -> str:
    """The district the award counts in: the applicant's, for people and teams their
    organisation's (blank when they have none)."""
    org = app.owning_organisation
    return org.district if org is not None else ""


def commit(app: Application, amount: Decimal, year: int, actor: Actor) -> None:
    _call("commit", app, actor, app.award_key, year, amount, actor,
          clause=subsection(app.reference), department=app.department,
          district=district(app), payee=payee(app))


def pay(app: Application, amount: Decimal, actor: Actor) -> None:
    _call("pay", app, actor, app.award_key, amount, actor, idempotency_key=app.award_key)


def release(app: Application, actor: Actor, reason: str) -> None:
    _call("release", app, actor, app.award_key, actor, reason=reason)
