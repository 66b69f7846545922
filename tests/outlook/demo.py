"""The demo, loaded through its management command (`load_demo`), never by module path: the
loader's module moves between apps, the command stays. load_demo only loads into an empty
database, so the tests that need a user take one of the demo's logins."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

SMALL = 60  # organisations: enough for milestone claims, fast to load


def load(organisations: int = SMALL) -> None:
    call_command("load_demo", "--organisations", str(organisations), stdout=StringIO())


def user(username: str, password: str = "") -> User:
    """A login of the demo (finance_officer, bureau_officer …), with `password` if given."""
    found = User.objects.get(username=username)
    if password:
        found.set_password(password)
        found.save(update_fields=["password"])
    return found
