"""Faults during the load (FAULTS=1): a gunicorn worker killed (SIGKILL) every 20 s, PostgreSQL restarted once.

After PostgreSQL is back, a probe (a logged-in account of its own, outside locust) asks for the progress page,
which reads the database, until it answers 200: how long the app took to recover by itself (the settings'
CONN_HEALTH_CHECKS drop each worker's dead connection at its next request).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.web import Browser

PROBE_PATH = "/progress/"
PROBE_INTERVAL = 0.25
RECOVERY_TIMEOUT = 120.0


def children(pid: int) -> list[int]:
    """The pids whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _state(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def gunicorn_master(root: int) -> int | None:
    """The gunicorn master at or under `root` (gunicorn itself, or `make serve` and a shell above it)."""
    queue = [root]
    while queue:
        pid = queue.pop(0)
        if "gunicorn" in _cmdline(pid):
            return pid
        queue.extend(children(pid))
    return None


def postgresql_cluster() -> tuple[str, str]:
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1], "main"


@dataclass
class Faults:
    """What was injected, when (seconds from the start of the load), and how the app came back."""

    started: float
    events: list[dict] = field(default_factory=list)
    recovered: bool | None = None
    recovery_seconds: float | None = None  # from PostgreSQL accepting connections to the probe's first 200
    database_down_seconds: float | None = None  # from the stop command to the start command's return
    database_back_at: float | None = None  # seconds from the start of the load
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, what: str, **details) -> None:
        with self.lock:
            self.events.append({"t": round(time.time() - self.started, 2), "fault": what, **details})

    def summary(self) -> dict:
        return {
            "injected": self.events,
            "recovered": self.recovered,
            "recovery_seconds": self.recovery_seconds,
            "database_down_seconds": self.database_down_seconds,
        }


class Injector(threading.Thread):
    def __init__(
        self,
        *,
        server_pid: int,
        probe: Browser,
        seconds: float,
        kill_every: float = 20.0,
        restart_at: float | None = None,
        restart_database: bool = True,
        down_for: float = 3.0,
    ) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.probe, self.seconds = server_pid, probe, seconds
        self.kill_every, self.down_for = kill_every, down_for
        self.restart_at = restart_at if restart_at is not None else seconds / 2
        self.restart_database = restart_database
        self.stopping = threading.Event()
        self.faults = Faults(started=time.time())
        self.rng = random.Random()  # noqa: S311 - which worker dies

    def run(self) -> None:
        plan = [(at, "kill") for at in _steps(self.kill_every, self.seconds)]
        if self.restart_database:
            plan.append((self.restart_at, "restart"))
        for at, what in sorted(plan):
            if self.stopping.wait(max(0.0, self.faults.started + at - time.time())):
                return
            try:
                self._kill_worker() if what == "kill" else self._restart_postgresql()
            except Exception as error:  # a fault that could not be injected is reported, not fatal
                self.faults.note(f"{what} failed", error=str(error))

    def _kill_worker(self) -> None:
        master = gunicorn_master(self.server_pid)
        workers = children(master) if master else []
        if not workers:
            self.faults.note("kill -9 worker: none found")
            return
        victim, busy = self._busy_worker(workers)
        os.kill(victim, signal.SIGKILL)
        self.faults.note("kill -9 gunicorn worker", pid=victim, master=master, running=busy)

    def _busy_worker(self, workers: list[int]) -> tuple[int, bool]:
        """A worker caught running (state R: most likely in a request), looked for over half a second, else any."""
        for _ in range(50):
            running = [pid for pid in workers if _state(pid) == "R"]
            if running:
                return self.rng.choice(running), True
            time.sleep(0.01)
        return self.rng.choice(workers), False

    def _restart_postgresql(self) -> None:
        version, cluster = postgresql_cluster()
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster]
        stopped = time.time()
        self.faults.note("postgresql stop (fast: open connections terminated)", cluster=f"{version}/{cluster}")
        subprocess.run([*command, "stop"], check=True, capture_output=True, timeout=60)  # noqa: S603
        self.faults.note("postgresql stopped")
        time.sleep(self.down_for)
        subprocess.run([*command, "start"], check=True, capture_output=True, timeout=60)  # noqa: S603
        back = time.time()
        self.faults.database_down_seconds = round(back - stopped, 2)
        self.faults.database_back_at = round(back - self.faults.started, 2)
        self.faults.note("postgresql started")
        threading.Thread(target=self._await_recovery, args=(back,), daemon=True).start()

    def _await_recovery(self, back: float) -> None:
        """Ask for a page that reads the database until it answers 200 (any other answer, or none, is not yet)."""
        while time.time() - back < RECOVERY_TIMEOUT:
            try:
                status, _ = self.probe.request("GET", PROBE_PATH)
            except OSError:
                status = 0
            if status == 200:
                self.faults.recovered = True
                self.faults.recovery_seconds = round(time.time() - back, 2)
                self.faults.note("recovered: the progress page answers 200 again")
                return
            time.sleep(PROBE_INTERVAL)
        self.faults.recovered = False
        self.faults.note(f"not recovered within {RECOVERY_TIMEOUT:.0f} s")

    def stop(self) -> None:
        self.stopping.set()


def _steps(every: float, until: float) -> list[float]:
    steps, at = [], every
    while at < until:
        steps.append(at)
        at += every
    return steps
