"""`make serve` end to end: it refuses to start without a real key or host names (saying so first), and otherwise
serves /healthz, hashed static files compressed and cached for ever, and pages with DEBUG off, logging JSON.

One server for the module: `make serve` on a free port with a temporary SQLite database and static folder (about
10 s on a quiet machine: collectstatic compresses every file, migrate builds the database), stopped at the end.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 180  # seconds; generous for a loaded CI machine
HTTPS = {"X-Forwarded-Proto": "https"}  # as a TLS-terminating proxy says it


def clean_environment(**variables: str) -> dict[str, str]:
    """This process's environment without the settings it runs the tests with, plus `variables`."""
    prefixes = ("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_", "DATABASE_URL", "CACHE_URL")
    prefixes += ("STATIC_ROOT", "LOG_", "WEB_CONCURRENCY", "HOST", "PORT", "GUNICORN_CMD_ARGS")
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}
    return {**inherited, **variables}


def make_serve(environment: dict[str, str], **popen) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "--no-print-directory", "serve"],  # noqa: S607 - make from PATH, as a user runs it
        cwd=ROOT,
        env=environment,
        text=True,
        **popen,
    )


def refusal(**variables: str) -> tuple[int, str]:
    """`make serve` that is expected to stop at once: its exit status and the first line of its errors."""
    process = make_serve(clean_environment(**variables), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _out, errors = process.communicate(timeout=120)
    return process.returncode, errors.splitlines()[0] if errors else ""


def test_without_a_secret_key_the_first_thing_it_says_is_so():
    status, first_line = refusal()

    assert status != 0
    assert first_line.startswith("make serve: SECRET_KEY is not set.")


def test_with_a_development_key_it_says_why_it_will_not_start():
    status, first_line = refusal(SECRET_KEY="django-insecure-" + "x" * 40, ALLOWED_HOSTS="127.0.0.1")

    assert status != 0
    assert first_line.startswith("make serve: DEBUG is off but SECRET_KEY is missing, a development key")


def test_without_allowed_hosts_it_says_every_request_would_fail():
    status, first_line = refusal(SECRET_KEY=secrets.token_urlsafe(50))

    assert status != 0
    assert first_line.startswith("make serve: ALLOWED_HOSTS is empty")


@dataclass
class Server:
    port: int
    log: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def log_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    environment = clean_environment(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    log = folder / "serve.log"
    with log.open("w") as output:
        process = make_serve(environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    running = Server(port, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, f"make serve stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"make serve did not answer in {START_TIMEOUT} s:\n{log.read_text()}"
            try:
                running.get("/healthz")
                break
            except OSError:
                time.sleep(0.25)
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and the gunicorn it runs, nothing else
        process.wait(timeout=60)


def test_healthz_answers_over_plain_http_while_pages_redirect_to_https(server):
    health, body = server.get("/healthz")
    page, _ = server.get("/")

    assert (health.status, json.loads(body)) == (200, {"status": "ok"})
    assert page.status == 301
    assert page.getheader("Location") == "https://127.0.0.1/"


def test_a_page_links_its_hashed_stylesheet_which_is_compressed_and_cached_for_ever(server):
    page, html = server.get("/", HTTPS)
    [stylesheet] = re.findall(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html.decode())

    for encoding in ("br", "gzip"):
        response, body = server.get(stylesheet, {**HTTPS, "Accept-Encoding": encoding})
        assert response.status == 200
        assert response.getheader("Content-Encoding") == encoding
        assert "max-age=315360000" in response.getheader("Cache-Control")
        assert "immutable" in response.getheader("Cache-Control")
        assert len(body) < int(server.get(stylesheet, HTTPS)[0].getheader("Content-Length"))
    assert page.status == 200
    assert page.getheader("Strict-Transport-Security")  # DEBUG off: the production settings


def test_debug_is_off_so_a_missing_page_is_the_apps_404(server):
    response, html = server.get("/no-such-page/", HTTPS)

    assert response.status == 404
    assert "<h1>Page not found</h1>" in html.decode()
    assert "Traceback" not in html.decode()


def test_each_request_is_one_json_line_and_gunicorn_writes_no_access_log(server):
    response, _ = server.get("/?q=secret-search", {**HTTPS, "X-Request-ID": "probe-0001-abcdef"})
    time.sleep(0.5)  # the worker writes its line as it answers; let it reach the file

    requests = [line for line in server.log_lines() if line.get("request_id") == "probe-0001-abcdef"]
    assert [(line["logger"], line["method"], line["path"], line["status"]) for line in requests] == [
        ("studyapp.requests", "GET", "/", response.status)
    ]
    assert "secret-search" not in server.log.read_text()
    assert all(line["logger"] != "gunicorn.access" for line in server.log_lines())


@pytest.mark.parametrize(
    ("allowed_hosts", "status"), [("127.0.0.1", 0), (".127.0.0.1,elsewhere.org", 0), ("other.org", 1)]
)
def test_the_containers_health_check_passes_with_a_host_the_site_answers_to(server, allowed_hosts, status):
    """config/healthcheck.py, which Docker runs in the container: the first of ALLOWED_HOSTS as the Host header."""
    environment = clean_environment(PORT=str(server.port), ALLOWED_HOSTS=allowed_hosts)
    result = subprocess.run(
        [sys.executable, "-m", "config.healthcheck"], cwd=ROOT, env=environment, timeout=30, check=False
    )

    assert result.returncode == status
