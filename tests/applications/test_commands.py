"""The management commands application_transition and screen_proposals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.applications import services
from policyhub.applications.models import Proposal
from policyhub.registry.models import RegistryEvent
from tests.applications.helpers import DAY, draft
from tests.personas import personas

pytestmark = pytest.mark.django_db


def test_application_transition_moves_as_the_named_user(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    monkeypatch.setattr(services, "today", lambda: DAY)
    p = personas()
    app = draft(p)
    call_command("application_transition", str(app.pk), "submit", "--user", "applicant")
    assert "submitted" in capsys.readouterr().out
    app.refresh_from_db()
    assert app.state == "submitted"


def test_application_transition_reports_the_refusal_reason() -> None:
    p = personas()
    app = draft(p)
    with pytest.raises(CommandError, match=r"refused: .*申报主体"):
        call_command("application_transition", str(app.pk), "submit", "--user", "finance")
    with pytest.raises(CommandError, match="no user"):
        call_command("application_transition", str(app.pk), "submit", "--user", "nobody")
    with pytest.raises(CommandError, match="not a decimal"):
        call_command("application_transition", str(app.pk), "review", "--user", "reviewer",
                     "--amount", "abc")


def test_screen_proposals_creates_proposals(capsys: pytest.CaptureFixture[str]) -> None:
    p = personas()
    RegistryEvent.objects.create(organisation=p.org, type="standard_led",
                                 date=dt.date(2020, 5, 10), matter="std-1",
                                 payload={"level": "local"})
    call_command("screen_proposals", "--as-of", "2021-06-07")
    assert "1 proposals created" in capsys.readouterr().out
    assert Proposal.objects.count() == 1
