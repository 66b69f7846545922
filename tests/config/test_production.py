"""Production settings (issue 16, item 9): `check --deploy` passes with the documented
variables, a weak secret key stops start-up, static files are compressed and hashed."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "policyhub.example.gov.cn"


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their live server (async.E001 in a
    # deploy check): a production process has none of the test run's variables.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("POLICYHUB_") and k not in (
                 "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run([sys.executable, *args], env={**clean, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def production(**env: str) -> dict[str, str]:
    return {"POLICYHUB_ALLOWED_HOSTS": HOST, "POLICYHUB_SECRET_KEY": secrets.token_urlsafe(50),
            "POLICYHUB_AUDIT_KEY": secrets.token_urlsafe(32),
            **env}


def deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)


def test_check_deploy_passes_in_production_with_the_defaults() -> None:
    done = deploy_check(**production())
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_each_variable_turns_its_protection_off_and_check_deploy_says_so() -> None:
    done = deploy_check(**production(POLICYHUB_SECURE_SSL_REDIRECT="0",
                                     POLICYHUB_SECURE_COOKIES="0",
                                     POLICYHUB_SECURE_HSTS_SECONDS="0"))
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


def settings_value(expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = f"from policyhub.config import settings as s; print({expression})"
    return run(["-c", code], **env)


@pytest.mark.parametrize("key", ["x", "k" * 49, "ab" * 30])
def test_a_weak_secret_key_stops_start_up_in_production(key: str) -> None:
    done = settings_value("s.SECRET_KEY", POLICYHUB_ALLOWED_HOSTS=HOST, POLICYHUB_SECRET_KEY=key)
    assert done.returncode != 0
    assert "POLICYHUB_SECRET_KEY is too weak" in done.stderr


def test_a_short_key_is_fine_on_a_loopback_or_debug_site() -> None:
    assert settings_value("1", POLICYHUB_SECRET_KEY="x").returncode == 0
    assert settings_value("1", POLICYHUB_SECRET_KEY="x", POLICYHUB_DEBUG="1",
                          POLICYHUB_ALLOWED_HOSTS=HOST).returncode == 0


def test_production_defaults_are_the_secure_ones_and_loopback_ones_are_not() -> None:
    expr = ("s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.STORAGES['staticfiles']['BACKEND']")
    done = settings_value(expr, **production())
    assert done.stdout.strip() == ("True True True 31536000 "
                                   "whitenoise.storage.CompressedManifestStaticFilesStorage")
    done = settings_value(expr)
    assert done.stdout.split()[:4] == ["False", "False", "False", "0"]


def test_the_proxy_header_is_trusted_only_when_asked() -> None:
    assert settings_value("getattr(s, 'SECURE_PROXY_SSL_HEADER', None)",
                          **production()).stdout.strip() == "None"
    done = settings_value("s.SECURE_PROXY_SSL_HEADER",
                          **production(POLICYHUB_SECURE_PROXY_SSL_HEADER="1"))
    assert done.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_collectstatic_writes_compressed_hashed_files(tmp_path: Path) -> None:
    """The production storage on the web app's own files (all apps' files, the admin's and
    Swagger's included, take minutes to compress on a busy machine)."""
    from django.core.management import call_command
    from django.test import override_settings

    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {
                    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(
            STORAGES=storages, STATIC_ROOT=tmp_path,
            STATICFILES_DIRS=[ROOT / "src" / "policyhub" / "web" / "static"],
            STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"]):
        call_command("collectstatic", "--no-input", verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()
    hashed = list((tmp_path / "web" / "vendor").glob("echarts.min.*.js"))
    assert hashed, "no hashed copy of echarts.min.js"
    assert Path(str(hashed[0]) + ".gz").is_file()
