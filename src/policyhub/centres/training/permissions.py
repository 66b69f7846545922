"""Training sessions are held by many providers across the city, so any staff member of
any unit may record one (and read them); applicants and users without a role may not."""

from __future__ import annotations

from policyhub.centres.common import readers, staff_of

can_create = staff_of(None, "各单位")
can_view = readers(None, "各单位")
