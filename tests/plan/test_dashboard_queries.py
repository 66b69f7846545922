"""What one request of the leaders' dashboard costs in queries (issue 15): pinned at what it
costs now, so that a change that adds queries to the page fails here and says how many."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from policyhub.applications.models import Application
from policyhub.registry.models import YearlyFigure
from tests.centres.helpers import adaptation
from tests.personas import Personas, organisation, personas, unit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.plan.test_dashboard_urls")]

URL = "/dashboard/"
# The session, the user and their roles (read once a request: accounts.roles), the rollups'
# state, the targets and their latest reports, the figure groups and the organisation rollup
# (each read once a page: plan.rollup), the park names once, one query or none per
# indicator, and the page's three series (applications by area, adaptations by day, the
# fund). 44 before issue 15 (12 of them the same roles, 7 the organisation rollup, 2 the
# park names). Raise it only with a reason, and update docs/dashboard.md "Cost".
MAX_QUERIES = 25


@pytest.fixture
def people(db: None) -> Personas:
    return personas()


def _records(people: Personas) -> None:
    for i in range(6):
        org = organisation(f"长沙计数{i}网络安全有限公司", park=("hitech", "yuelu")[i % 2],
                           district=("岳麓区", "雨花区")[i % 2])
        YearlyFigure.objects.create(organisation=org, year=2020,
                                    main_business_revenue=Decimal("50000000"))
        adaptation(f"产品{i}", tested_on=dt.date(2020, 1 + i, 3))
        Application.objects.create(
            organisation=org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
            matter=f"q-{i}", state="paid", department=unit("miit"), park=org.park,
            created_by=people.applicant, approved_amount=Decimal("100000"))


def _queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_dashboard_request_costs_at_most_the_pinned_number_of_queries(
        people: Personas) -> None:
    _records(people)
    client = Client()
    client.force_login(people.auditor)
    client.get(URL)  # the rollups rebuilt after the writes above, the session read
    sql = _queries(client)
    assert len(sql) <= MAX_QUERIES, (
        f"the dashboard costs {len(sql)} queries a request (pinned: {MAX_QUERIES}):\n"
        + "\n".join(s[:120] for s in sql))


def test_the_roles_and_the_organisation_rollup_are_read_once(people: Personas) -> None:
    _records(people)
    client = Client()
    client.force_login(people.auditor)
    client.get(URL)
    sql = _queries(client)
    assert sum('FROM "accounts_roleassignment"' in s for s in sql) == 1
    assert sum('FROM "plan_organisationrollup"' in s for s in sql) == 1
    assert sum('FROM "units_unit"' in s for s in sql) == 1
