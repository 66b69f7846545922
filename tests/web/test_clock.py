"""The demo clock: POLICYHUB_TODAY (settings.DEMO_TODAY) fixes "today" for the workflow, the
dashboard's default date, 试算 and the header; unset, today is the real day in Beijing time."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from policyhub import clock
from policyhub.applications import services
from policyhub.config.env import envdate
from policyhub.plan.views import as_of_param
from tests.personas import credit_code

DEMO = dt.date(2021, 11, 15)


def test_unset_the_clock_is_the_real_day_in_beijing(settings: Any) -> None:
    settings.DEMO_TODAY = None
    assert clock.fixed_day() is None
    assert clock.today() == timezone.localdate()
    assert str(timezone.get_current_timezone()) == "Asia/Shanghai"


def test_set_it_fixes_the_workflow_day_and_the_dashboard_default(settings: Any, rf: Any) -> None:
    settings.DEMO_TODAY = DEMO
    assert clock.today() == DEMO
    assert services.today() == DEMO  # every transition's and notice's default day
    assert as_of_param(rf.get("/dashboard/")) == DEMO
    assert as_of_param(rf.get("/dashboard/?as_of=2020-01-02")) == dt.date(2020, 1, 2)


def test_the_variable_is_read_as_a_date_or_refused_naming_it(monkeypatch: Any) -> None:
    monkeypatch.setenv("POLICYHUB_TODAY", "2021-11-15")
    assert envdate("POLICYHUB_TODAY") == DEMO
    monkeypatch.setenv("POLICYHUB_TODAY", "")
    assert envdate("POLICYHUB_TODAY") is None
    monkeypatch.setenv("POLICYHUB_TODAY", "15/11/2021")
    with pytest.raises(Exception, match="POLICYHUB_TODAY"):
        envdate("POLICYHUB_TODAY")


def test_settings_read_it_from_the_environment() -> None:
    code = "from django.conf import settings; print(settings.DEMO_TODAY)"
    env = {**os.environ, "POLICYHUB_TODAY": "2021-11-15",
           "DJANGO_SETTINGS_MODULE": "policyhub.config.settings"}
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2021-11-15"


@pytest.mark.django_db
def test_the_header_shows_the_demo_day_only_when_set(client: Client, settings: Any) -> None:
    settings.DEMO_TODAY = DEMO
    assert "演示日期 2021-11-15" in client.get("/").content.decode()
    settings.DEMO_TODAY = None
    assert "演示日期" not in client.get("/").content.decode()


def test_the_evaluate_api_decides_on_the_demo_day(client: Client, settings: Any) -> None:
    # No as_of in the request: the engine's day is the application's today.
    settings.DEMO_TODAY = DEMO
    body = {"applicant": {"kind": "enterprise", "name": "某公司", "credit_code": credit_code(),
                          "registered_in_changsha": True, "taxed_in_changsha": True,
                          "cybersecurity_business": True},
            "events": [{"type": "annual_revenue", "year": 2020, "amount": "8000000"}]}
    got = client.post("/api/v1/evaluate", body, content_type="application/json").json()
    assert got["as_of"] == "2021-11-15"
