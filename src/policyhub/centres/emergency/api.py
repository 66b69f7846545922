"""/api/v1/centres/emergency/: list and detail of each record type (centres.common.router_for)."""

from policyhub.centres.common import router_for
from policyhub.centres.emergency.records import RECORD_TYPES

router = router_for("emergency", *RECORD_TYPES)
