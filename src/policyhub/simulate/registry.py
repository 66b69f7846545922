"""The database registry as one screening events table (Django; the rest of the package is
not): every organisation, and every talent and team with facts of their own — the
applicants `applications.screening` screens, in its order — with district and park for the
breakdowns.

Each applicant's request is the one `registry.facts.request_for` builds (the applicant part,
an organisation's yearly revenues oldest first, its registry events by date), but read in
a handful of queries for the whole registry rather than two per applicant: the page runs
inline, and a registry a hundred times the demo's would otherwise take a minute.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import polars as pl

from policyhub.registry.facts import Applicant, applicant_part
from policyhub.registry.models import Organisation, Person, RegistryEvent, Team, YearlyFigure
from policyhub.simulate.frames import frame_of

NO_PARK = ""


def _place(applicant: Applicant) -> dict[str, str]:
    """District and park: an organisation's own; a talent's or team's organisation's."""
    org = applicant if isinstance(applicant, Organisation) else applicant.organisation
    if not isinstance(org, Organisation):
        return {"district": "", "park": NO_PARK}
    return {"district": org.district, "park": org.park.name if org.park else NO_PARK}


def _applicants() -> list[Applicant]:
    """applications.screening's applicants, in its order, with what _place reads."""
    found: list[Applicant] = list(Organisation.objects.select_related("park").order_by("pk"))
    found += Person.objects.filter(events__isnull=False).distinct().select_related(
        "organisation__park").order_by("pk")
    found += Team.objects.filter(events__isnull=False).distinct().select_related(
        "leader__organisation__park").order_by("pk")
    return found


def registry_frame(as_of: dt.date) -> pl.DataFrame:
    revenues: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in YearlyFigure.objects.order_by("organisation_id", "year").only(
            "organisation_id", "year", "main_business_revenue"):
        revenues[f.organisation_id].append({
            "type": "annual_revenue", "year": f.year,
            "amount": format(f.main_business_revenue, "f")})
    events: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for e in RegistryEvent.objects.order_by("date", "id"):
        key = ("O", e.organisation_id) if e.organisation_id is not None else (
            ("P", e.person_id) if e.person_id is not None else ("T", e.team_id))
        events[(key[0], int(key[1] or 0))].append(e.to_engine())
    prefix = {Organisation: "O", Person: "P", Team: "T"}
    requests = []
    for a in _applicants():
        body = list(revenues.get(a.pk, [])) if isinstance(a, Organisation) else []
        body += events.get((prefix[type(a)], a.pk), [])
        requests.append(({"as_of": as_of.isoformat(), "applicant": applicant_part(a),
                          "events": body}, _place(a)))
    return frame_of(requests)
