"""Safe defaults (config/settings.py): production settings pass `check --deploy`; DEBUG is off unless set."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Only what a deployment must set; everything else at its default.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "study.example.org",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process, with none of this run's settings variables leaking in."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG", "SECURE_"))}
    return subprocess.run(  # noqa: S603 - our own manage.py with a fixed command line
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_set():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_with_debug_off_the_app_refuses_the_development_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "True 31536000 None"),
        (
            {"SECURE_SSL_REDIRECT": "False", "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"},
            "False 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')",
        ),
        ({"SECURE_HSTS_SECONDS": "600"}, "True 600 None"),
    ],
)
def test_https_settings_come_from_the_environment(variables, expected):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-c", code, **PRODUCTION, **variables)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected  # after the shell's "objects imported" line
