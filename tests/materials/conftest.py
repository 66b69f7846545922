"""The page tests' fixtures (personas with a recorded project, sign-in, the frozen day)."""

from tests.web_pages.conftest import fast_passwords, login, people, today

__all__ = ["fast_passwords", "login", "people", "today"]
