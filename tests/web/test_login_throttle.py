"""Sign-in throttling (django-axes, accounts/throttle.py) and Django's password validators
(issue 16, item 9): 30 wrong passwords, then the right one is refused for the cool-off."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.urls import reverse

from policyhub.accounts.throttle import LOCKED
from policyhub.audit.models import AuditEntry
from tests.personas import Personas

RIGHT = {"username": "finance", "password": "pw-finance"}
WRONG = {"username": "finance", "password": "nope"}


def test_the_right_password_signs_in(client: Client, people: Personas) -> None:
    assert client.post(reverse("login"), RIGHT).status_code == 302
    assert "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_name_for_the_cool_off(client: Client,
                                                               people: Personas,
                                                               settings) -> None:  # type: ignore[no-untyped-def]
    statuses = {client.post(reverse("login"), WRONG).status_code for _ in range(30)}
    assert statuses == {200, 429}  # the form again, then the lockout page
    response = client.post(reverse("login"), RIGHT)
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    assert "_auth_user_id" not in client.session
    locks = AuditEntry.objects.filter(action=LOCKED)
    assert locks.count() == 1 and locks.get().allowed is False  # once, not per attempt
    assert str(settings.AXES_FAILURE_LIMIT) in locks.get().reason

    # Another name is not locked.
    assert Client().post(reverse("login"), {"username": "auditor",
                                            "password": "pw-auditor"}).status_code == 302
    # After the cool-off the right password signs in again.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    assert client.post(reverse("login"), RIGHT).status_code == 302
    assert "_auth_user_id" in client.session


def test_a_test_client_login_without_a_request_still_checks_the_password(
        people: Personas) -> None:
    assert Client().login(**RIGHT) is True
    assert Client().login(**WRONG) is False


@pytest.mark.parametrize("password", ["short1!", "password1234", "12345678901234",
                                      "finance2021!"])
def test_weak_passwords_are_refused(people: Personas, password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, people.finance)


def test_a_long_uncommon_password_is_accepted(people: Personas) -> None:
    validate_password("长沙网安-专项资金-拨付-2021", people.finance)
