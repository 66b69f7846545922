"""/api/v1/centres/adaptation/: the records (session auth) and the public catalogue."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from policyhub.centres.adaptation.catalogue import as_json, search
from policyhub.centres.adaptation.records import RECORD_TYPES
from policyhub.centres.common import router_for

router = router_for("adaptation", *RECORD_TYPES)


@router.get("/catalogue", auth=None, response=list[dict[str, Any]],
            operation_id="centres_adaptation_catalogue", summary="PK体系软硬件实施清单（公开）")
def catalogue(request: HttpRequest, q: str = "", cpu: str = "", os: str = "",
              category: str = "") -> list[dict[str, Any]]:
    return [as_json(a) for a in search(q=q, cpu=cpu, os=os, category=category)]
