"""The database registry as one screening events table (Django; the rest of the package is
not): every organisation, and every talent and team with facts of their own — the
applicants `applications.screening` screens — with district and park for the breakdowns."""

from __future__ import annotations

import datetime as dt

import polars as pl

from policyhub.applications.screening import _applicants
from policyhub.registry.facts import request_for
from policyhub.registry.models import Organisation, Person
from policyhub.simulate.frames import frame_of

NO_PARK = ""


def _place(applicant: object) -> dict[str, str]:
    """District and park: an organisation's own; a talent's or team's organisation's."""
    org = applicant if isinstance(applicant, Organisation) else getattr(
        applicant, "organisation", None)
    if isinstance(applicant, Person):
        org = applicant.organisation
    if not isinstance(org, Organisation):
        return {"district": "", "park": NO_PARK}
    return {"district": org.district, "park": org.park.name if org.park else NO_PARK}


def registry_frame(as_of: dt.date) -> pl.DataFrame:
    return frame_of((request_for(a, as_of=as_of), _place(a)) for a in _applicants())
