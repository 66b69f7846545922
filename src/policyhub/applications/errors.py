"""The one error the workflow raises: a refused action, with the reason shown to the user."""

from __future__ import annotations


class Refused(Exception):
    """An action the workflow refuses. `permission`: the actor may not do it at all (HTTP
    403); otherwise the action breaks a rule of the workflow (amount, notice period …)."""

    def __init__(self, reason: str, *, permission: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permission = permission
