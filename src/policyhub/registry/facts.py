"""Registry facts as a `policyhub.evaluate/1` request (docs/contract-evaluate.md).

The engine decides on what the registry holds at the moment of the decision: the applicant's
scope flags, one `annual_revenue` event per yearly figure, and the registry events (already in
the engine's vocabulary). Nothing is filtered by date here: the engine itself refuses events
after `as_of` (future_event) or outside the validity window, and says so in the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from policyhub.registry.models import Organisation, Person, RegistryEvent, Team, YearlyFigure

Applicant = Organisation | Person | Team


def applicant_id(applicant: Applicant) -> str:
    """A stable id across requests: O-/P-/T- and the primary key."""
    prefix = {Organisation: "O", Person: "P", Team: "T"}[type(applicant)]
    return f"{prefix}-{applicant.pk}"


def applicant_part(applicant: Applicant) -> dict[str, Any]:
    """The request's `applicant`. For people and teams the contract reads the two location
    flags as "works / is based in Changsha"."""
    if isinstance(applicant, Organisation):
        # str(): the engine wants a plain str, not the TextChoices member
        return {"id": applicant_id(applicant), "kind": str(applicant.kind),
                "name": applicant.name, "credit_code": applicant.credit_code,
                "registered_in_changsha": applicant.registered_in_changsha,
                "taxed_in_changsha": applicant.taxed_in_changsha,
                "cybersecurity_business": applicant.cybersecurity_business}
    if isinstance(applicant, Person):
        works, based = applicant.works_in_changsha, applicant.based_in_changsha
        kind = "person"
    else:
        works = based = applicant.based_in_changsha
        kind = "team"
    return {"id": applicant_id(applicant), "kind": kind, "name": applicant.name,
            "registered_in_changsha": works, "taxed_in_changsha": based,
            "cybersecurity_business": applicant.cybersecurity_field}


def revenue_events(org: Organisation) -> list[dict[str, Any]]:
    """One `annual_revenue` per yearly figure, oldest first (the milestone rule judges "first
    reached" against every year supplied, so all years go in, not only covered ones)."""
    figures = YearlyFigure.objects.filter(organisation=org).order_by("year")
    return [{"type": "annual_revenue", "year": f.year,
             "amount": format(f.main_business_revenue, "f")} for f in figures]


def registry_events(applicant: Applicant) -> list[RegistryEvent]:
    key = {Organisation: "organisation", Person: "person", Team: "team"}[type(applicant)]
    return list(RegistryEvent.objects.filter(**{key: applicant}).order_by("date", "id"))


def request_for(applicant: Applicant, *, as_of: dt.date,
                events: Iterable[RegistryEvent] | None = None,
                options: dict[str, str] | None = None) -> dict[str, Any]:
    """A policyhub.evaluate/1 request. `events=None` takes every registry event of the
    applicant; given events are taken as they are (an application names its own). An
    organisation's yearly revenues are always included: milestones and dedup need them."""
    chosen = registry_events(applicant) if events is None else list(events)
    strangers = [e.pk for e in chosen if e.applicant != applicant]
    if strangers:  # another applicant's facts must never reach this decision
        raise ValueError(f"events {strangers} do not belong to {applicant_id(applicant)}")
    body: list[dict[str, Any]] = []
    if isinstance(applicant, Organisation):
        body += revenue_events(applicant)
    body += [e.to_engine() for e in chosen]
    request: dict[str, Any] = {"as_of": as_of.isoformat(),
                               "applicant": applicant_part(applicant), "events": body}
    if options:
        request["options"] = dict(options)
    return request
