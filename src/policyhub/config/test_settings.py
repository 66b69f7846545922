"""Test overrides only (Hypha style): everything else is policyhub.config.settings."""

from policyhub.config.settings import *  # noqa: F403

# Personas create several users per test; the real hasher costs ~0.3 s per user.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
