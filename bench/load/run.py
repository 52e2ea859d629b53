"""The load and fault test: a database and a server of its own, locust's students, then the review log checked.

Steps: create a PostgreSQL database (createdb, dropped at the end), migrate, seed in bulk (bench/load/seed.py),
start the app server as `make serve` does with 4 workers on a free port of 127.0.0.1 (Redis for the cache), run
locust headless against it for LOAD_SECONDS, with FAULTS=1 kill a worker every 20 s and restart PostgreSQL once,
then stop everything it started (also on an error or Ctrl-C), read locust's stats and compare the review log with
the ratings the server acknowledged (bench/load/accounting.py). The last line of stdout is a JSON summary.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.load import accounting
from bench.web import Browser, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
WORKERS = 4
STOP_TIMEOUT = 30  # seconds locust lets a user finish the task it is in when the run time is up
SERVER_START_TIMEOUT = 90.0


def say(text: str = "") -> None:
    print(text, flush=True)


@dataclass(frozen=True)
class Options:
    users: int
    seconds: int
    spawn_rate: float
    faults: bool
    redis_db: int
    restart_database: bool  # with FAULTS: LOAD_RESTART_DATABASE=0 kills workers only (PostgreSQL is shared)
    postgres: str  # the server: createdb's and psql's -h and -U

    @classmethod
    def from_env(cls) -> Options:
        users = int(os.environ.get("LOAD_USERS", "50"))
        return cls(
            users=users,
            seconds=int(os.environ.get("LOAD_SECONDS", "60")),
            spawn_rate=float(os.environ.get("LOAD_SPAWN_RATE", str(max(1, users // 10)))),
            faults=os.environ.get("FAULTS", "") not in {"", "0", "false", "False"},
            redis_db=int(os.environ.get("LOAD_REDIS_DB", "14")),
            restart_database=os.environ.get("LOAD_RESTART_DATABASE", "1") not in {"", "0", "false", "False"},
            postgres=os.environ.get("LOAD_POSTGRES_USER", "postgres"),
        )


class Stack:
    """Everything the run starts, stopped in reverse order whatever happens."""

    def __init__(self) -> None:
        self.cleanups: list = []

    def push(self, cleanup) -> None:
        self.cleanups.append(cleanup)

    def close(self) -> None:
        while self.cleanups:
            cleanup = self.cleanups.pop()
            try:
                cleanup()
            except Exception as error:
                say(f"cleanup: {error}")


def _stop_process_group(process: subprocess.Popen, name: str, timeout: float = 20.0) -> None:
    """SIGTERM to the group the process leads (gunicorn's master stops its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # respawned workers of a dead master, if any
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        say(f"{name} did not stop within {timeout:.0f} s: SIGKILL")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _raise_on_sigterm(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    options = Options.from_env()
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C cleans up too, even where it was ignored
    stack = Stack()
    workdir = Path(tempfile.mkdtemp(prefix="studyapp-load-"))
    summary: dict = {}
    code = 1
    try:
        summary = _run(options, stack, workdir)
        code = 0 if summary["passed"] else 1
    except KeyboardInterrupt:
        say("Interrupted: stopping what the run started.")
        summary = {"error": "interrupted"}
        code = 130
    except Exception as error:
        say(f"The load test failed: {type(error).__name__}: {error}")
        summary = {"error": f"{type(error).__name__}: {error}"}
    finally:
        stack.close()
    say(f"Files of this run (the server's and locust's logs, the events): {workdir}")
    print(json.dumps(summary), flush=True)  # the last line of stdout
    return code


def _run(options: Options, stack: Stack, workdir: Path) -> dict:
    database = f"studyapp_load_{os.getpid()}"
    url = f"postgres://{options.postgres}@{HOST}:5432/{database}"
    subprocess.run(["createdb", "-h", HOST, "-U", options.postgres, database], check=True)  # noqa: S603, S607
    stack.push(lambda: _drop_database(options, database))
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_COOKIES": "False",
        "DATABASE_URL": url,
        "CACHE_URL": f"redis://{HOST}:6379/{options.redis_db}",
    }
    os.environ.update(environment)
    say(
        f"Load test: {options.users} students for {options.seconds} s against {WORKERS} workers on PostgreSQL "
        f"({database}) and Redis (db {options.redis_db}){', with faults' if options.faults else ''}; "
        f"{os.cpu_count()} CPUs, load average {_load()}"
    )
    world = _prepare(options)
    accounts = workdir / "accounts.json"
    accounts.write_text(json.dumps(world.accounts()))
    events_path = workdir / "events.jsonl"
    events_path.touch()

    port = free_port()
    server, log = _start_server(port, workdir, environment)
    stack.push(lambda: _stop_process_group(server, "the app server"))
    _wait_until_up(server, port, log)
    probe = Browser(port)
    probe.login(world.probe, world.password)

    injector = None
    started = time.time()
    locust = subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(options.users),
            "--spawn-rate",
            str(options.spawn_rate),
            "--run-time",
            f"{options.seconds}s",
            "--stop-timeout",
            str(STOP_TIMEOUT),
            "--host",
            f"http://{HOST}:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_ACCOUNTS": str(accounts), "LOAD_EVENTS": str(events_path), "PYTHONPATH": str(ROOT)},
        stdout=(workdir / "locust.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.push(lambda: _stop_process_group(locust, "locust"))
    if options.faults:
        from bench.load.faults import Injector

        injector = Injector(
            server_pid=server.pid, probe=probe, seconds=options.seconds, restart_database=options.restart_database
        )
        injector.faults.started = started
        injector.start()
        stack.push(injector.stop)
    try:
        locust.wait(timeout=options.seconds + STOP_TIMEOUT + 120)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"locust did not end in time; see {workdir / 'locust.log'}") from None
    elapsed = time.time() - started
    if injector is not None:
        injector.stop()
        injector.join(timeout=5)
        _await_probe(injector)
    events = [json.loads(line) for line in events_path.read_text().splitlines() if line.strip()]
    stats = next((event["endpoints"] for event in reversed(events) if event["kind"] == "stats"), None)
    if not stats:
        raise RuntimeError(f"locust wrote no stats (exit {locust.returncode}):\n{_tail(workdir / 'locust.log')}")
    checked = accounting.account(events, _logged_reviews())
    _stop_process_group(server, "the app server")  # before reading its log: everything flushed
    return _report(options, stats, events, checked, injector, elapsed, log, started)


def _prepare(options: Options):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from bench.load import seed

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    world = seed.seed(options.users, timezone.now())
    say(
        f"Migrated and seeded in {time.perf_counter() - began:.1f} s: the demo deck, its class and quiz "
        f"(quiz {world.quiz_pk}), {len(world.students)} students and a probe account"
    )
    connections.close_all()  # the run may restart PostgreSQL under us
    return world


def _logged_reviews() -> list[tuple[str, str]]:
    from django.db import connections

    from bench.load.seed import STUDENT_PREFIX
    from studyapp.review.models import ReviewLog

    connections.close_all()
    rows = ReviewLog.objects.filter(learner__username__startswith=STUDENT_PREFIX)
    return [(username, value.hex) for username, value in rows.values_list("learner__username", "client_uuid")]


def _drop_database(options: Options, database: str) -> None:
    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    subprocess.run(  # noqa: S603
        ["dropdb", "-h", HOST, "-U", options.postgres, "--force", "--if-exists", database],  # noqa: S607
        check=True,
    )
    say(f"Dropped the database {database}.")


def _make_serve_exists() -> bool:
    makefile = (ROOT / "Makefile").read_text()
    return re.search(r"^serve:", makefile, re.MULTILINE) is not None


def _start_server(port: int, workdir: Path, environment: dict) -> tuple[subprocess.Popen, Path]:
    """`make serve` with 4 workers where the Makefile has it, else gunicorn as it runs it."""
    log = workdir / "server.log"
    if _make_serve_exists() and os.environ.get("LOAD_SERVER") != "gunicorn":
        command = ["make", "--no-print-directory", "serve"]
        extra = {"PORT": str(port), "HOST": HOST, "WEB_CONCURRENCY": str(WORKERS)}
    else:
        # DEBUG off serves static files from WhiteNoise's manifest, which collectstatic writes (as make serve does).
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env={**os.environ, **environment},
            check=True,
        )
        command = [str(BIN / "gunicorn"), "config.wsgi", "-w", str(WORKERS), "-b", f"{HOST}:{port}"]
        extra = {}
    say(f"Server: {' '.join(command)} on {HOST}:{port} (log {log})")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command,
        cwd=ROOT,
        env={**os.environ, **environment, **extra},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def _wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}:\n{_tail(log)}")
        try:
            status, _ = Browser(port).request("GET", "/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{_tail(log)}")


def _await_probe(injector) -> None:
    """The recovery probe runs on after locust if PostgreSQL came back late; give it its time."""
    from bench.load.faults import RECOVERY_TIMEOUT

    if injector.faults.database_back_at is None:
        return
    deadline = time.time() + RECOVERY_TIMEOUT
    while injector.faults.recovered is None and time.time() < deadline:
        time.sleep(0.25)


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _server_errors(log: Path) -> list[str]:
    """The server log's errors, counted: each 5xx's method and path, and each logged exception's last line.

    The app logs JSON lines (a request line per request, a 5xx's traceback in exc_info); plain-text tracebacks
    (gunicorn's own, or LOG_FORMAT=text) are read too.
    """
    if not log.exists():
        return []
    found: Counter[str] = Counter()
    lines = log.read_text(errors="replace").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record.get("status"), int) and record["status"] >= 500:
                found[f"HTTP {record['status']} {record.get('method', '')} {record.get('path', '')}"] += 1
            elif record.get("level") in {"ERROR", "CRITICAL"}:
                found[f"{record.get('message', '')[:120]}: {_exception_line(record.get('exc_info') or '')}"] += 1
        elif line.startswith("Traceback"):
            end = number + 1
            while end < len(lines) and (lines[end].startswith((" ", "\t")) or lines[end] == ""):
                end += 1
            if end < len(lines):
                found[lines[end]] += 1
    return [f"{count}× {what}" for what, count in found.most_common()]


def _exception_line(trace: str) -> str:
    """A traceback's exception line (its message may run on over further lines, as psycopg's do)."""
    lines = trace.strip().splitlines()
    exceptions = [line for line in lines if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Interrupt)\b", line)]
    return (exceptions or lines or [""])[-1][:300]


def _report(options, stats, events, checked, injector, elapsed, log, started) -> dict:
    *rows, total = stats  # locust's total ("Aggregated") last
    counts = next((event["counts"] for event in reversed(events) if event["kind"] == "statuses"), {})
    errors_5xx = sum(count for status, count in counts.items() if int(status) >= 500)
    no_response = counts.get("0", 0)
    say()
    say(f"{'endpoint':48}{'requests':>9}{'failed':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
    for row in [*rows, total]:
        say(
            f"{(row['method'] + ' ' + row['name']).strip()[:47]:48}{row['requests']:>9}{row['failures']:>8}"
            f"{row['rps']:>8.1f}{row['p50']:>7.0f}{row['p95']:>7.0f}{row['p99']:>7.0f}"
        )
    say(f"HTTP statuses: {counts}")
    server_errors = _server_errors(log)
    if server_errors:
        say(f"Errors in the server log ({log}):")
        for line in server_errors[:20]:
            say(f"  {line}")
    result = checked.summary()
    say()
    say(
        f"Reviews: {result['acknowledged_reviews']} acknowledged, {result['undone_reviews']} of them undone "
        f"(acknowledged), {result['logged_reviews']} in the log; lost {result['lost']}, duplicated "
        f"{result['duplicated']}, undone but still logged {result['undone_but_logged']}, undos without an answer "
        f"{result['undo_outcome_unknown']}; logged without an acknowledgement {result['unacknowledged_logged']} "
        f"{result['unacknowledged_logged_by_cause']}"
    )
    for name, reviews in (("lost", checked.lost), ("duplicated", checked.duplicated)):
        for learner, review in sorted(reviews)[:10]:
            say(f"  {name}: {learner} {review}")
    summary = {
        "requests": total["requests"],
        "rps": total["rps"],
        "errors_5xx": errors_5xx,
        "no_response": no_response,
        "failures": total["failures"],
        **result,
        "faults": None,
        "users": options.users,
        "seconds": options.seconds,
        "elapsed_seconds": round(elapsed, 1),
        "workers": WORKERS,
        "latency_ms": {
            f"{row['method']} {row['name']}": {quantile: row[quantile] for quantile in ("p50", "p95", "p99")}
            for row in rows
        },
        "load_average": _load(),
    }
    passed = checked.holds
    if injector is not None:
        faults = injector.faults
        summary["faults"] = faults.events
        summary["recovered"] = faults.recovered
        summary["recovery_seconds"] = faults.recovery_seconds
        summary["database_down_seconds"] = faults.database_down_seconds
        back = (faults.database_back_at or 0) + (faults.recovery_seconds or 0)
        after = [
            event
            for event in events
            if event["kind"] == "http_error" and event["status"] >= 500 and event["t"] - started > back
        ]
        summary["errors_5xx_after_recovery"] = len(after)
        summary["unacknowledged_logged_seconds_after_fault"] = _seconds_after_fault(checked, events, faults, started)
        say(
            "Faults: "
            + "; ".join(f"{event['t']:.1f} s {event['fault']}" for event in faults.events)
            + f". Recovered: {faults.recovered} ({faults.recovery_seconds} s after PostgreSQL came back; "
            f"down {faults.database_down_seconds} s); 5xx after recovery: {len(after)}"
        )
        passed = passed and faults.recovered is not False and (faults.recovered or not options.restart_database)
    else:
        # Without faults nothing may go unanswered: no 5xx, no dropped connection, no rating left in doubt.
        passed = passed and errors_5xx == 0 and no_response == 0 and checked.unacknowledged_logged_count == 0
    summary["passed"] = passed
    say(
        f"{summary['requests']} requests, {summary['rps']} req/s, {errors_5xx} 5xx, {no_response} without a response; "
        f"acknowledged = logged: {'holds' if checked.holds else 'BROKEN'}"
    )
    return summary


def _seconds_after_fault(checked, events, faults, started: float) -> list[float | None]:
    """For each review logged without an acknowledgement: seconds from the last fault to its failed request's end.

    A worker killed with a rating in flight shows as a small figure; None means no fault came before it.
    """
    reviews = set().union(*checked.unacknowledged_logged.values()) if checked.unacknowledged_logged else set()
    fault_times = sorted(started + event["t"] for event in faults.events)
    gaps = []
    for event in events:
        if event["kind"] != "rate" or event["outcome"] not in accounting.UNANSWERED:
            continue
        if (str(event["learner"]), str(event["uuid"])) not in reviews:
            continue
        before = [at for at in fault_times if at <= event["t"]]
        gaps.append(round(event["t"] - before[-1], 2) if before else None)
    return gaps
