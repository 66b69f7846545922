"""/api/v1/centres/training/: list and detail of each record type (centres.common.router_for)."""

from policyhub.centres.common import router_for
from policyhub.centres.training.records import RECORD_TYPES

router = router_for("training", *RECORD_TYPES)
