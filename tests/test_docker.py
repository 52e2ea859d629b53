"""The Dockerfile, compose.yaml and .dockerignore hold what a deployment relies on.

Where a Docker daemon answers, the image is built and the compose project started and probed; elsewhere (as on
machines without Docker) that test is skipped and the files are checked by reading them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.test_settings import manage

ROOT = Path(__file__).resolve().parent.parent


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    logical, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            logical.append(pending.strip())
            pending = ""
    return [(instruction.upper(), arguments) for instruction, arguments in (line.split(None, 1) for line in logical)]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_image_is_python_3_11_slim_and_installs_the_pinned_requirements():
    instructions = dockerfile()

    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert ("RUN", "pip install --requirement requirements.txt") in instructions


def test_the_server_runs_as_a_user_that_is_not_root():
    instructions = dockerfile()
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    last_user = max(index for index, (instruction, _) in enumerate(instructions) if instruction == "USER")
    cmd = max(index for index, (instruction, _) in enumerate(instructions) if instruction == "CMD")

    assert users
    assert users[-1] not in {"root", "0"}
    assert last_user < cmd


def test_the_command_is_gunicorn_with_the_projects_config_bound_to_every_interface():
    instructions = dict(dockerfile())  # the last of each instruction

    assert json.loads(instructions["CMD"]) == ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"]
    assert "HOST=0.0.0.0" in instructions["ENV"]
    assert instructions["EXPOSE"] == "8000"
    assert "config.healthcheck" in instructions["HEALTHCHECK"]


def test_static_files_are_collected_at_build_time_with_a_key_the_settings_accept():
    [collect] = [arguments for instruction, arguments in dockerfile() if "collectstatic" in arguments]
    variables = dict(word.split("=", 1) for word in shlex.split(collect) if re.fullmatch(r"[A-Z_]+=\S*", word))

    assert variables["DEBUG"] == "False"
    # The settings load with it and DEBUG off (they refuse a missing, short or development key).
    result = manage("check", SECRET_KEY=variables["SECRET_KEY"], ALLOWED_HOSTS="localhost")
    assert result.returncode == 0, result.stderr


def test_compose_runs_the_app_with_postgresql_15_and_redis_7_each_with_a_health_check():
    services = compose()["services"]

    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    checked = {name for name, service in services.items() if "test" in service.get("healthcheck", {})}
    assert checked == {"db", "redis", "app"}
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    # Only the app runs gunicorn: the image's health check (a probe of gunicorn) is off for the others.
    assert {name for name, service in services.items() if service.get("healthcheck", {}).get("disable")} == {
        "migrate",
        "worker",
    }


def test_compose_gives_the_app_its_database_cache_and_a_required_key():
    environment = compose()["services"]["app"]["environment"]

    database = r"postgres://studyapp:\$\{POSTGRES_PASSWORD:-\w+\}@db:5432/studyapp\?connect_timeout=\d+"
    assert re.fullmatch(database, environment["DATABASE_URL"])
    assert environment["CACHE_URL"].startswith("redis://redis:6379/")
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")  # compose refuses to start without one
    assert environment["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-True}"  # safe unless asked otherwise
    assert compose()["services"]["app"]["ports"] == ["${APP_BIND:-127.0.0.1:8000}:8000"]


def test_the_build_context_leaves_out_the_virtualenv_the_repository_and_local_databases():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}

    assert {".git", ".venv", "/db.sqlite3*", "/staticfiles", "/backups"} <= ignored


def docker_daemon_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        probe = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)  # noqa: S607
        compose_plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=20, check=False)  # noqa: S607
    except subprocess.TimeoutExpired:
        return False
    return probe.returncode == 0 and compose_plugin.returncode == 0


def until(check, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(2)
    return False


@pytest.mark.skipif(not docker_daemon_answers(), reason="no Docker daemon (or no compose plugin) on this machine")
def test_compose_builds_starts_and_answers_healthz():
    project = f"studyapp-test-{secrets.token_hex(4)}"
    # Nothing of this run's environment that compose.yaml reads, then a key and plain HTTP on a free port.
    read_by_compose = set(re.findall(r"\$\{(\w+)", (ROOT / "compose.yaml").read_text()))
    environment = {key: value for key, value in os.environ.items() if key not in read_by_compose}
    environment |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "APP_BIND": "127.0.0.1:0",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_COOKIES": "False",
    }

    def docker_compose(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
        command = ["docker", "compose", "--project-name", project, "--file", str(ROOT / "compose.yaml"), *args]
        return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603

    def healthz() -> dict | None:
        port = docker_compose("port", "app", "8000").stdout.strip().rpartition(":")[2]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a local URL
                return json.loads(response.read())
        except (OSError, ValueError):
            return None

    try:
        started = docker_compose("up", "--build", "--detach")
        assert started.returncode == 0, started.stderr
        assert until(lambda: healthz() == {"status": "ok"}, seconds=180), docker_compose("logs").stdout[-5000:]
        assert until(lambda: "(healthy)" in docker_compose("ps", "app").stdout, seconds=90)
    finally:
        docker_compose("down", "--volumes", timeout=300)
