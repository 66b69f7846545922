"""The one error the workflow raises: a refused action, with the reason shown to the user."""

from __future__ import annotations


class Refused(Exception):
    """An action the workflow refuses. `permission`: the actor may not do it at all (HTTP
    403); `conflict`: concurrent work on the same rows kept it from completing even after
    the bounded retries (HTTP 409, try again); otherwise the action breaks a rule of the
    workflow (amount, notice period …, HTTP 422)."""

    def __init__(self, reason: str, *, permission: bool = False, conflict: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permission = permission
        self.conflict = conflict

    @property
    def status(self) -> int:
        """The HTTP status that answers it."""
        if self.permission:
            return 403
        return 409 if self.conflict else 422
