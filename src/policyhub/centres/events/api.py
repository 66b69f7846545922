"""/api/v1/centres/events/: list and detail of each record type (centres.common.router_for)."""

from policyhub.centres.common import router_for
from policyhub.centres.events.records import RECORD_TYPES

router = router_for("events", *RECORD_TYPES)
