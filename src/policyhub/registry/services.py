"""Registry services: typed functions taking domain objects and the acting user.

Every change is audited (policyhub.audit.services.record) inside the transaction that makes it;
every refusal is audited with allowed=False and the reason, then raised as `Refused`. The
permission check runs before the change's transaction opens, so a refusal's audit entry is kept
(unless the caller itself rolls back around us). `actor=None` is the system: management
commands run without --user and the demo loader; it is allowed everything, audited as "system".
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction

from policyhub.accounts.roles import AnyUser
from policyhub.audit.bulk import hold_lock
from policyhub.audit.services import record
from policyhub.registry import permissions
from policyhub.registry.models import (
    EvidenceFile,
    Organisation,
    Person,
    RegistryEvent,
    Team,
    YearlyFigure,
    mask_id_number,
)
from policyhub.registry.validation import check_event
from policyhub.units.models import Unit

Actor = AnyUser | None
Applicant = Organisation | Person | Team
ORGANISATION_FIELDS = ("credit_code", "name", "kind", "district", "park",
                       "registered_in_changsha", "taxed_in_changsha", "cybersecurity_business",
                       "high_tech", "above_designated_size")


class Refused(PermissionDenied):
    """A permission refusal; `reason` is what the user is shown (and what was audited)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def ensure(actor: Actor, decision: permissions.Decision, action: str,
           obj: Any = None, **payload: Any) -> None:
    """Raise Refused (audited) unless the decision allows it; the system is always allowed."""
    allowed, reason = decision
    if actor is None or allowed:
        return
    record(actor, action, obj if obj is not None and obj.pk else None, allowed=False,
           reason=reason, **payload)
    raise Refused(reason)


def _edit(actor: Actor, rec: permissions.Record) -> permissions.Decision:
    return permissions.can_edit(actor, rec) if actor is not None else permissions.OK


def _money(value: Decimal | None, name: str) -> Decimal | None:
    # Floats would make cents drift; callers parse cells as Decimal (registry.io does).
    if value is not None and not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    return value


FIGURE_FIELDS = ("main_business_revenue", "tax_paid", "rd_spend", "headcount", "source")


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The audited form of some fields (foreign keys as ids, amounts as strings)."""
    return _snapshot(obj, fields)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    out = {}
    for f in fields:
        value = getattr(obj, f"{f}_id") if f in ("park", "source") else getattr(obj, f)
        out[f] = str(value) if isinstance(value, Decimal) else value
    return out


# --- organisations, people, teams ------------------------------------------------------------


def create_organisation(actor: Actor, **fields: Any) -> Organisation:
    decision = permissions.can_create_organisation(actor) if actor else permissions.OK
    ensure(actor, decision, "registry.organisation.create",
           credit_code=fields.get("credit_code", ""))
    org = Organisation(**fields)
    org.full_clean()
    with transaction.atomic():
        org.save()
        record(actor, "registry.organisation.create", org,
               **_snapshot(org, ORGANISATION_FIELDS))
    return org


def update_organisation(actor: Actor, org: Organisation, **changes: Any) -> Organisation:
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"not an organisation field: {', '.join(sorted(unknown))}")
    decision = (permissions.can_edit_fields(actor, org, set(changes)) if actor is not None
                else permissions.OK)
    ensure(actor, decision, "registry.organisation.update", org, fields=sorted(changes))
    before = _snapshot(org, changes)
    for name, value in changes.items():
        setattr(org, name, value)
    org.full_clean()
    with transaction.atomic():
        org.save()
        record(actor, "registry.organisation.update", org, before=before,
               after=_snapshot(org, changes))
    return org


def create_person(actor: Actor, *, name: str, id_number: str = "",
                  organisation: Organisation | None = None, works_in_changsha: bool = True,
                  based_in_changsha: bool = True, cybersecurity_field: bool = True) -> Person:
    person = Person(name=name, id_number_masked=mask_id_number(id_number) if id_number else "",
                    organisation=organisation, works_in_changsha=works_in_changsha,
                    based_in_changsha=based_in_changsha, cybersecurity_field=cybersecurity_field)
    ensure(actor, _edit(actor, person), "registry.person.create")
    person.full_clean()
    with transaction.atomic():
        person.save()
        record(actor, "registry.person.create", person, name=name,
               organisation=organisation.pk if organisation else None)
    return person


def create_team(actor: Actor, *, name: str, leader: Person | None,
                members: Iterable[Person] = (), based_in_changsha: bool = True,
                settles_in_changsha: bool = False, cybersecurity_field: bool = True) -> Team:
    team = Team(name=name, leader=leader, based_in_changsha=based_in_changsha,
                settles_in_changsha=settles_in_changsha, cybersecurity_field=cybersecurity_field)
    ensure(actor, _edit(actor, team), "registry.team.create")
    team.full_clean()
    people = list(members)
    with transaction.atomic():
        team.save()
        team.members.set(people)
        record(actor, "registry.team.create", team, name=name,
               leader=leader.pk if leader else None, members=[p.pk for p in people])
    return team


# --- facts -----------------------------------------------------------------------------------


def record_figure(actor: Actor, org: Organisation, year: int, *,
                  main_business_revenue: Decimal, tax_paid: Decimal | None = None,
                  rd_spend: Decimal | None = None, headcount: int | None = None,
                  source: Unit | None = None) -> YearlyFigure:
    """Create or replace one year's figures (a department's later file corrects an earlier one;
    the audit entry keeps what was replaced)."""
    figure = YearlyFigure.objects.filter(organisation=org, year=year).first()
    if figure is None:
        figure = YearlyFigure(organisation=org, year=year)
    ensure(actor, _edit(actor, figure), "registry.figure.record", org, year=year)
    names = FIGURE_FIELDS
    before = _snapshot(figure, names) if figure.pk else None
    figure.main_business_revenue = _money(main_business_revenue, "main_business_revenue")  # type: ignore[assignment]
    figure.tax_paid = _money(tax_paid, "tax_paid")
    figure.rd_spend = _money(rd_spend, "rd_spend")
    figure.headcount = headcount
    figure.source = source
    if actor is not None and actor.is_authenticated:
        figure.recorded_by_id = actor.pk
    figure.full_clean()
    with transaction.atomic():
        # The head lock first, then the row, as imports take them (registry.writing): the
        # same year recorded twice at once is then one create and one replace, never an
        # IntegrityError on one_figure_per_year.
        hold_lock()
        current = YearlyFigure.objects.select_for_update().filter(
            organisation=org, year=year).first()
        if current is not None and figure.pk != current.pk:  # recorded meanwhile
            before = _snapshot(current, names)
            figure.pk, figure._state.adding = current.pk, False
        figure.save()
        record(actor, "registry.figure.record", figure, organisation=org.pk, year=year,
               before=before, after=_snapshot(figure, names))
    return figure


def applicant_fields(applicant: Applicant) -> dict[str, Any]:
    """The event's foreign key that names this applicant."""
    return _applicant_fields(applicant)


def _applicant_fields(applicant: Applicant) -> dict[str, Any]:
    if isinstance(applicant, Organisation):
        return {"organisation": applicant}
    if isinstance(applicant, Person):
        return {"person": applicant}
    return {"team": applicant}


def record_event(actor: Actor, applicant: Applicant, event_type: str, day: dt.date,
                 payload: Mapping[str, Any], *, matter: str = "",
                 source: Unit | None = None) -> RegistryEvent:
    """Record one event; ValidationError (naming each bad field) when the engine would refuse
    it. The stored payload is the engine's canonical form (money as plain decimal strings)."""
    event = RegistryEvent(type=event_type, date=day, payload=dict(payload), matter=matter,
                          source=source, **_applicant_fields(applicant))
    ensure(actor, _edit(actor, event), "registry.event.record", applicant, type=event_type)
    if actor is not None and actor.is_authenticated:
        event.recorded_by_id = actor.pk
    # The engine's parser first: it turns Decimal amounts into the strings a JSONField holds.
    check_event(event)
    event.full_clean()
    with transaction.atomic():
        event.save()
        record(actor, "registry.event.record", event, type=event_type, date=day.isoformat(),
               matter=matter, payload=event.payload, applicant=str(applicant))
    return event


def attach_evidence(actor: Actor, target: RegistryEvent | YearlyFigure, upload: File[Any],
                    name: str | None = None) -> EvidenceFile:
    """Store a file under MEDIA_ROOT/evidence/, named by its SHA-256 (kept for verification)."""
    ensure(actor, _edit(actor, target), "registry.evidence.attach", target)
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    original = name or (upload.name or "evidence").rsplit("/", 1)[-1]
    evidence = EvidenceFile(sha256=digest.hexdigest(), size=size, original_name=original,
                            **({"event": target} if isinstance(target, RegistryEvent)
                               else {"figure": target}))
    if actor is not None and actor.is_authenticated:
        evidence.uploaded_by_id = actor.pk
    with transaction.atomic():
        evidence.file.save(original, upload, save=False)
        evidence.full_clean()
        evidence.save()
        record(actor, "registry.evidence.attach", evidence, sha256=evidence.sha256,
               size=size, name=original, target=target._meta.label_lower,
               target_id=target.pk)
    return evidence
