"""Recording a prize: the prize and the winner's registry `competition_prize` event, together.

The event goes through registry.services.record_event (the engine's own check, the registry's
permission, the audit trail), so the engine rewards it under 政策/二/(十) like any other.
"""

from __future__ import annotations

from django.db import transaction

from policyhub.audit.services import record
from policyhub.centres.common import OK, Actor
from policyhub.centres.events import permissions
from policyhub.centres.events.models import Prize
from policyhub.registry import permissions as registry_permissions
from policyhub.registry import services as registry
from policyhub.units.models import Unit

COMPETITION_UNIT = "science"  # 计划/二/(五)/2: 牵头单位 市科技局


def record_prize(actor: Actor, prize: Prize) -> Prize:
    """Save `prize` and its registry event; Refused (audited) when either side refuses,
    ValidationError when the prize or the event is invalid (nothing is saved then)."""
    registry.ensure(actor, permissions.can_create(actor) if actor else OK,
                    "centres_events.prize.create")
    prize.full_clean()
    winner = prize.entry.winner
    assert winner is not None  # Prize.clean
    registry.ensure(actor, registry_permissions.can_edit(actor, winner) if actor else OK,
                    "registry.event.record", winner, type="competition_prize")
    if actor is not None and actor.is_authenticated:
        prize.recorded_by_id = actor.pk
    source = prize.entry.edition.organiser or Unit.objects.filter(code=COMPETITION_UNIT).first()
    with transaction.atomic():
        prize.registry_event = registry.record_event(
            actor, winner, "competition_prize", prize.awarded_on,
            {"rank": prize.rank, "settles_in_changsha": prize.settles_in_changsha},
            matter=prize.matter, source=source)
        prize.save()
        record(actor, "centres_events.prize.create", prize, entry=prize.entry.code,
               rank=prize.rank, settles_in_changsha=prize.settles_in_changsha,
               registry_event=prize.registry_event.pk)
    return prize
