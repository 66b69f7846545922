"""/api/v1/centres/migration/: list and detail of each record type (centres.common.router_for)."""

from policyhub.centres.common import router_for
from policyhub.centres.migration.records import RECORD_TYPES

router = router_for("migration", *RECORD_TYPES)
