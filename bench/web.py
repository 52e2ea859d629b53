"""gunicorn, a minimal cookie-keeping HTTP client (stdlib only), and the timed load loops."""

from __future__ import annotations

import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
CSRF_FIELD_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COUNTS_RE = re.compile(r"New <b>(\d+)\+?</b>.*?Learning <b>(\d+)\+?</b>.*?Due <b>(\d+)\+?</b>", re.DOTALL)
NOTICE_RE = re.compile(r'<p class="notice" role="status">([^<]*)</p>')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving config.wsgi with the bench settings, on a free port of 127.0.0.1."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="studyapp-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    def start(self, timeout: float = 60.0) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(self.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
        ]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _ = Browser(self.port).request("GET", "/accounts/login/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def close(self) -> None:
        self.stop()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


class Browser:
    """One visitor: its cookies, one new connection per request (gunicorn's sync workers close each one)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.form_csrf = ""

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def request(self, method: str, path: str, fields: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        sent = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, text

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        match = CSRF_FIELD_RE.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")

    def htmx(self, method: str, path: str, fields: dict | None = None):
        """As htmx sends it: HX-Request, and the CSRF header the page's hx-headers carries."""
        headers = {"HX-Request": "true", "HX-Target": "study-card", "X-CSRFToken": self.cookies.get("csrftoken", "")}
        return self.request(method, path, fields, headers)


class QueueEmpty(Exception):
    """The session showed "All done for now": no card to rate."""


@dataclass
class ReviewClient:
    """Rates the card on screen and reads the next one from the response, as the browser does."""

    browser: Browser
    slug: str
    seed: int
    token: str = ""
    rng: random.Random = field(init=False)
    notices: dict[str, int] = field(default_factory=dict)
    first_counts: tuple[int, int, int] | None = None
    last_counts: tuple[int, int, int] | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - ratings, not secrets

    def open(self) -> None:
        status, page = self.browser.htmx("GET", f"/study/{self.slug}/")
        if status != 200:
            raise RuntimeError(f"session page: HTTP {status}")
        self._read(page)
        self.first_counts = self.last_counts

    def _read(self, page: str) -> None:
        match = TOKEN_RE.search(page)
        if not match:
            raise QueueEmpty
        self.token = match.group(1)
        csrf = CSRF_FIELD_RE.search(page)
        if csrf:
            self.browser.form_csrf = csrf.group(1)
        counts = COUNTS_RE.search(page)
        if counts:
            self.last_counts = tuple(int(n) for n in counts.groups())
        notice = NOTICE_RE.search(page)
        if notice:
            self.notices[notice.group(1)] = self.notices.get(notice.group(1), 0) + 1

    def rate_once(self) -> None:
        rating = "1" if self.rng.random() < 0.15 else "3"  # mostly Good, sometimes Again
        fields = {
            "csrfmiddlewaretoken": self.browser.form_csrf,
            "token": self.token,
            "response": "",
            "duration_ms": str(self.rng.randint(1500, 9000)),
            "rating": rating,
        }
        status, page = self.browser.htmx("POST", f"/study/{self.slug}/rate/", fields)
        if status != 200:
            raise RuntimeError(f"rate: HTTP {status}: {page[:300]}")
        self._read(page)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    stopped_by: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


def run_load(actions: list[Callable[[], None]], *, seconds: float, max_per_thread: int, warmup: int = 20) -> LoadResult:
    """Each action in its own thread, as fast as it goes, bounded by time and by count.

    A few unmeasured calls per thread warm up the workers (templates, sessions, connections)
    first; the rate is the calls of all threads over the wall time of the measured part.
    """
    warmup_errors: list[BaseException] = []

    def warm(action: Callable[[], None]) -> None:
        try:
            for _ in range(warmup):
                action()
        except BaseException as error:
            warmup_errors.append(error)

    threads = [threading.Thread(target=warm, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if warmup_errors:
        raise warmup_errors[0]
    go = threading.Event()
    clock: dict[str, float] = {}
    counts = [0] * len(actions)
    latencies: list[list[float]] = [[] for _ in actions]
    ends = [0.0] * len(actions)
    reasons = ["count"] * len(actions)
    errors: list[BaseException] = []

    def loop(index: int) -> None:
        go.wait()
        action = actions[index]
        try:
            while counts[index] < max_per_thread:
                if time.perf_counter() >= clock["deadline"]:
                    reasons[index] = "time"
                    break
                started = time.perf_counter()
                action()
                latencies[index].append((time.perf_counter() - started) * 1000)
                counts[index] += 1
        except QueueEmpty:
            reasons[index] = "queue empty"
        except BaseException as error:
            errors.append(error)
        ends[index] = time.perf_counter()

    threads = [threading.Thread(target=loop, args=(index,)) for index in range(len(actions))]
    for thread in threads:
        thread.start()
    clock["start"] = time.perf_counter()
    clock["deadline"] = clock["start"] + seconds
    go.set()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return LoadResult(
        requests=sum(counts),
        seconds=max(ends) - clock["start"],
        latencies_ms=[value for values in latencies for value in values],
        stopped_by=", ".join(sorted(set(reasons))),
    )


def combine(results: list[LoadResult]) -> LoadResult:
    """Several measured runs as one: all their requests over all their seconds."""
    return LoadResult(
        requests=sum(result.requests for result in results),
        seconds=sum(result.seconds for result in results),
        latencies_ms=[value for result in results for value in result.latencies_ms],
        stopped_by=", ".join(sorted({result.stopped_by for result in results})),
    )
