"""Test overrides only (Hypha style): everything else is policyhub.config.settings."""

from policyhub.config.settings import *  # noqa: F403

# Personas create several users per test; the real hasher costs ~0.3 s per user.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No `collectstatic` before tests: plain static names, files found in the apps.
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
# Nothing is collected: without a root WhiteNoise does not warn about a missing var/static.
STATIC_ROOT = None  # type: ignore[assignment]

# Import jobs run inside the request: a worker thread cannot see the test's transaction
# (tests/imports set it False, with transactional tests, to test the thread).
IMPORT_INLINE = True
