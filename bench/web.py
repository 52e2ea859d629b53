"""gunicorn, a minimal cookie-keeping HTTP client (stdlib only), the study client, and the timed load loops."""

from __future__ import annotations

import contextlib
import html
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

from bench.middleware import COMMIT_HEADER, CPU_HEADER, DB_HEADER, WALL_HEADER

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
CSRF_FIELD_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COUNTS_RE = re.compile(r"New <b>(\d+)\+?</b>.*?Learning <b>(\d+)\+?</b>.*?Due <b>(\d+)\+?</b>", re.DOTALL)
NOTICE_RE = re.compile(r'<p class="notice" role="status">([^<]*)</p>')
# The feedback partial's rating form, and the tags and attributes of a form's fields.
RATING_FORM_RE = re.compile(r'<form\b[^>]*\bclass="rating-form"[^>]*>(.*?)</form>', re.DOTALL)
CARD_FORM_RE = re.compile(r'<form\b[^>]*\bclass="card-form"[^>]*>(.*?)</form>', re.DOTALL)
INPUT_RE = re.compile(r"<input\b[^>]*>")
SELECT_RE = re.compile(r"<select\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'\b([a-z][a-z0-9_-]*)="([^"]*)"')
TRUE_FALSE_RE = re.compile(r'name="response" value="True"')


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


@dataclass(frozen=True)
class Timing:
    """One request: as the client saw it, and as the worker reported it (bench.middleware)."""

    ms: float  # from opening the connection to having read the whole response
    cpu_ms: float | None  # the worker thread's CPU time in Django (X-Worker-CPU-ms)
    worker_ms: float | None  # the worker's wall time in Django (X-Worker-ms)
    db_ms: float | None = None  # the worker's wall time in SQL statements and commits (X-Worker-DB-ms)
    commit_ms: float | None = None  # of which in commits (X-Worker-Commit-ms)


def _header_ms(response: http.client.HTTPResponse, name: str) -> float | None:
    value = response.getheader(name)
    return float(value) if value else None


class Browser:
    """One visitor: its cookies, one new connection per request (gunicorn's sync workers close each one).

    Used by one thread at a time; `last` is the timing of its latest request.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.form_csrf = ""
        self.last = Timing(0.0, None, None)

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
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        self.last = Timing(
            (time.perf_counter() - started) * 1000,
            _header_ms(response, CPU_HEADER),
            _header_ms(response, WALL_HEADER),
            _header_ms(response, DB_HEADER),
            _header_ms(response, COMMIT_HEADER),
        )
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


def _attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in ATTRIBUTE_RE.findall(tag)}


def _hidden_fields(form: str) -> dict[str, str]:
    """The hidden inputs of a form's HTML, as a browser would send them."""
    fields = {}
    for tag in INPUT_RE.findall(form):
        attributes = _attributes(tag)
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


def rating_fields(page: str) -> dict[str, str] | None:
    """The hidden fields of the feedback partial's rating form (its token first of all), or None if it has none."""
    form = RATING_FORM_RE.search(page)
    if form is None:
        return None
    fields = _hidden_fields(form.group(1))
    return fields if fields.get("token") else None


def answer_fields(page: str, *, complete: bool = False) -> dict[str, str] | None:
    """The fields of an answer to the question on `page`, or None if the page shows no question.

    First (complete=False) as "I don't know": the card's token and an empty response, which every
    kind but multiple choice, chronology and true/false accepts. Those answer 422 to it; then
    (complete=True, on the 422 page) a valid answer: the first choice, the events in the order
    shown (positions 1..n), or True.
    """
    form = CARD_FORM_RE.search(page)
    if form is None:
        token = TOKEN_RE.search(page)  # a question partial laid out otherwise than today
        return {"token": token.group(1), "response": ""} if token else None
    fields = _hidden_fields(form.group(1))
    if not fields.get("token"):
        return None
    if not complete:
        return fields | {"response": ""}
    inputs = [_attributes(tag) for tag in INPUT_RE.findall(form.group(1))]
    choices = [attributes.get("value", "") for attributes in inputs if attributes.get("name") == "choice"]
    if choices:
        return fields | {"choice": choices[0]}
    selects = [_attributes(tag).get("name", "") for tag in SELECT_RE.findall(form.group(1))]
    positions = [name for name in selects if name.startswith("position-")]
    if positions:
        return fields | {name: str(number) for number, name in enumerate(positions, 1)}
    if TRUE_FALSE_RE.search(form.group(1)):
        return fields | {"response": "True"}
    return fields | {"response": ""}


@dataclass
class ReviewClient:
    """Studies as the browser does: answers the card on screen, rates it, and reads the next card from the response.

    `page` is the card partial on screen: a question (answer it first) or, when the session shows
    an answer given and not yet rated, its feedback (rate it straight away).
    """

    browser: Browser
    slug: str
    seed: int
    page: str = ""
    rng: random.Random = field(init=False)
    notices: dict[str, int] = field(default_factory=dict)
    completed_answers: int = 0  # answers sent again with a choice, an order or True after a 422
    first_counts: tuple[int, int, int] | None = None
    last_counts: tuple[int, int, int] | None = None
    empty: bool = False

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - ratings, not secrets

    def open(self) -> None:
        status, page = self.browser.htmx("GET", f"/study/{self.slug}/")
        if status != 200:
            raise RuntimeError(f"session page: HTTP {status}")
        self._read(page)
        self.first_counts = self.last_counts

    def _read(self, page: str) -> None:
        """Take `page` as the card on screen; QueueEmpty if it is neither a question nor an answer to rate."""
        csrf = CSRF_FIELD_RE.search(page)
        if csrf:
            self.browser.form_csrf = csrf.group(1)
        counts = COUNTS_RE.search(page)
        if counts:
            self.last_counts = tuple(int(n) for n in counts.groups())
        notice = NOTICE_RE.search(page)
        if notice:
            self.notices[notice.group(1)] = self.notices.get(notice.group(1), 0) + 1
        if rating_fields(page) is None and answer_fields(page) is None:
            self.empty = True
            raise QueueEmpty
        self.page = page

    def study_once(self) -> dict[str, Timing]:
        """Answer the card on screen (unless its answer is shown already), then rate it.

        Returns the timings of the rate request ("rate") and of the answer request ("answer",
        the one that was answered 200 when a 422 made the client answer again).
        """
        if self.empty:
            raise QueueEmpty
        timings: dict[str, Timing] = {}
        for _ in range(3):  # another card may come instead ("already answered"): answer that one
            fields = rating_fields(self.page)
            if fields is not None:
                break
            timings["answer"] = self._answer()
        else:
            raise RuntimeError(f"answer: no rating form after three answers: {self.page[:300]}")
        rating = "1" if self.rng.random() < 0.15 else "3"  # mostly Good, sometimes Again
        fields |= {"duration_ms": str(self.rng.randint(1500, 9000)), "rating": rating}
        status, page = self.browser.htmx("POST", f"/study/{self.slug}/rate/", fields)
        timings["rate"] = self.browser.last
        if status != 200:
            raise RuntimeError(f"rate: HTTP {status}: {page[:300]}")
        with contextlib.suppress(QueueEmpty):  # this rating counts; the next call stops
            self._read(page)
        return timings

    def _answer(self) -> Timing:
        path = f"/study/{self.slug}/answer/"
        status, page = self.browser.htmx("POST", path, answer_fields(self.page))
        if status == 422:
            fields = answer_fields(page, complete=True)
            if fields is None:
                raise RuntimeError(f"answer: HTTP 422 without the question: {page[:300]}")
            self.completed_answers += 1
            status, page = self.browser.htmx("POST", path, fields)
        if status != 200:
            raise RuntimeError(f"answer: HTTP {status}: {page[:300]}")
        timing = self.browser.last
        self._read(page)
        return timing


@dataclass
class LoadResult:
    """A timed load: how many calls each client thread made, and the requests' timings by name.

    Each call of an action returns the timings of its requests by name; one name is `counted`
    (the constant page's or the floor's one request, or the rate POST of a study call).
    """

    counted: str
    threads: list[tuple[int, float]]  # per client thread: calls measured, seconds in their counted request
    seconds: float  # wall time of the measured part
    samples: dict[str, list[Timing]]
    call_ms: list[float]  # each call whole (for a study call: answer and rate, and the client's parsing)
    stopped_by: str

    @property
    def requests(self) -> int:
        return sum(calls for calls, _ in self.threads)

    @property
    def rps(self) -> float:
        """Counted requests per second: the sum over client threads of (its calls ÷ seconds in its counted requests).

        Each thread has one request in flight at a time, so a thread that sent only the counted
        request would make 1 ÷ (its mean latency) of them a second, and the threads together what
        the server sustains at this concurrency (one request in flight per thread). A study call
        also answers before it rates; counting its calls over the wall time would count the answer
        POSTs' time as if the server had been idle, so the rating round trips/s would fall with
        every change to the answer step. For the constant page and the floor (one request a call)
        the time in requests is all of the wall time but the client's loop, so the figures compare.
        """
        return sum(calls / busy for calls, busy in self.threads if busy > 0)

    @property
    def wall_rps(self) -> float:
        """Calls per second of wall time (a study call: one card answered and rated)."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def latencies_ms(self) -> list[float]:
        return [timing.ms for timing in self.samples.get(self.counted, [])]

    def percentile(self, q: float, name: str | None = None) -> float:
        values = sorted(timing.ms for timing in self.samples.get(name or self.counted, []))
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(q * len(values)))]

    @property
    def median_ms(self) -> float:
        return self.median()

    def median(self, name: str | None = None, of: str = "ms") -> float:
        """The median of a Timing field (`of`) of the requests called `name` (the counted ones)."""
        values = [getattr(timing, of) for timing in self.samples.get(name or self.counted, [])]
        values = [value for value in values if value is not None]
        return statistics.median(values) if values else float("nan")


def run_load(
    actions: list[Callable[[], dict[str, Timing]]],
    *,
    seconds: float,
    max_per_thread: int,
    counted: str,
    warmup: int = 20,
) -> LoadResult:
    """Each action in its own thread, as fast as it goes, bounded by time and by count.

    A few unmeasured calls per thread warm up the workers (templates, sessions, connections)
    first. Each call returns its requests' timings by name; `counted` names the one whose rate
    is measured (LoadResult.rps).
    """
    warmup_errors: list[BaseException] = []

    def warm(action: Callable[[], dict[str, Timing]]) -> None:
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
    busy = [0.0] * len(actions)
    samples: list[dict[str, list[Timing]]] = [{} for _ in actions]
    calls: list[list[float]] = [[] for _ in actions]
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
                timings = action()
                calls[index].append((time.perf_counter() - started) * 1000)
                busy[index] += timings[counted].ms / 1000
                for name, timing in timings.items():
                    samples[index].setdefault(name, []).append(timing)
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
    merged: dict[str, list[Timing]] = {}
    for per_thread in samples:
        for name, timings in per_thread.items():
            merged.setdefault(name, []).extend(timings)
    return LoadResult(
        counted=counted,
        threads=list(zip(counts, busy, strict=True)),
        seconds=max(ends) - clock["start"],
        samples=merged,
        call_ms=[value for values in calls for value in values],
        stopped_by=", ".join(sorted(set(reasons))),
    )


def combine(results: list[LoadResult]) -> LoadResult:
    """Several measured runs of the same threads as one: each thread's calls over its time, all the samples."""
    threads = [
        (sum(calls for calls, _ in per_thread), sum(busy for _, busy in per_thread))
        for per_thread in zip(*(result.threads for result in results), strict=True)
    ]
    samples: dict[str, list[Timing]] = {}
    for result in results:
        for name, timings in result.samples.items():
            samples.setdefault(name, []).extend(timings)
    return LoadResult(
        counted=results[0].counted,
        threads=threads,
        seconds=sum(result.seconds for result in results),
        samples=samples,
        call_ms=[value for result in results for value in result.call_ms],
        stopped_by=", ".join(sorted({result.stopped_by for result in results})),
    )
