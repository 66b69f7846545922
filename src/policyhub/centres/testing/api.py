"""/api/v1/centres/testing/: list and detail of each record type (centres.common.router_for)."""

from policyhub.centres.common import router_for
from policyhub.centres.testing.records import RECORD_TYPES

router = router_for("testing", *RECORD_TYPES)
