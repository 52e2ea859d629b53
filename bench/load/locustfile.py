"""The load test's students (locust): log in, study (answer, rate), undo now and then, open progress, take the quiz.

Run by `python -m bench.load` (make load), which seeds the accounts and passes them in LOAD_ACCOUNTS (a JSON file),
and reads back LOAD_EVENTS: one JSON line per rating sent and per outcome, per undo, per 5xx or lost connection,
and the status counts at the end (bench/load/accounting.py says what each means).

Each locust user is one student, and studies as the browser does with htmx: the card partial on screen is either
a question (POST answer/, then the feedback's rating form) or an answer shown and not yet rated (rate it). Rating
posts the form's token, which carries the showing's client_uuid: the review log's unique (learner, client_uuid).
A rating is acknowledged by a 2xx that shows the next card (or "All done"), without a "this card..." refusal.
After anything unacknowledged (no response, a 5xx) the student reloads the session page, as a person would, and
goes on from what it shows: the same feedback again (the rating was not recorded; rating it again is the same
submission) or the next card.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import os
import random
import re
import time
import uuid
import zlib
from collections import Counter
from pathlib import Path

from locust import HttpUser, between, events, task

from bench.web import CSRF_FIELD_RE, answer_fields, rating_fields

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
TIMEOUT = 30  # seconds: gunicorn's own worker timeout; no request should wait longer
UNDO_CHANCE = 0.08
# No undo this long after a failed request: an unanswered rating may still be written after the next one, and
# undo removes the newest review, which then might not be the one this client just rated.
UNDO_QUIET_SECONDS = 30
# What the card partial's notice says when the rating was NOT recorded (review.services StaleCard / BadToken).
REFUSALS = (
    "This card was already answered or changed elsewhere",
    "This card was answered elsewhere",
    "This card has expired or is not valid",
    "This card belongs to another learner",
)
NOTICE_RE = re.compile(r'<p class="notice[^"]*" role="(?:status|alert)"[^>]*>([^<]*)</p>')
STUDY_CARD = 'id="study-card"'
QUIZ_FORM_RE = re.compile(r'<form\b([^>]*\bclass="quiz-answer-form"[^>]*)>(.*?)</form>', re.DOTALL)
ATTEMPT_LINK_RE = re.compile(r'href="(/attempts/\d+/)"')
TAG_RE = re.compile(r"<(input|select)\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'\b([a-z][a-z0-9_-]*)="([^"]*)"')


class EventLog:
    """JSON lines, one write per event (locust's users are greenlets of one process: a write is not interleaved)."""

    def __init__(self, path: str) -> None:
        self.file = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def write(self, **event) -> None:
        self.file.write(json.dumps({**event, "t": round(time.time(), 3)}) + "\n")


EVENTS = EventLog(os.environ["LOAD_EVENTS"])
STATUSES: Counter[int] = Counter()
_accounts = itertools.count()


@events.request.add_listener
def _count_status(request_type, name, response=None, exception=None, **_kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    STATUSES[status] += 1
    if status >= 500 or status == 0:
        EVENTS.write(kind="http_error", name=f"{request_type} {name}", status=status, error=str(exception)[:300])


@events.test_stop.add_listener
def _write_statistics(environment, **_kwargs) -> None:
    """The status counts, and each endpoint's figures, once every user has stopped (the CSV can be written before)."""
    EVENTS.write(kind="statuses", counts={str(status): count for status, count in sorted(STATUSES.items())})
    entries = sorted(environment.stats.entries.values(), key=lambda entry: -entry.num_requests)
    rows = [
        {
            "method": entry.method or "",
            "name": entry.name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.total_rps, 2),
            **{f"p{round(q * 100)}": entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99)},
        }
        for entry in [*entries, environment.stats.total]
    ]
    EVENTS.write(kind="stats", endpoints=rows)


def token_uuid(token: str) -> str:
    """The showing's client_uuid in a card token (django.core.signing: base64 JSON, then the timestamp and MAC)."""
    payload = token.split(":", 1)[0]
    compressed = payload.startswith(".")
    payload = payload.lstrip(".")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return uuid.UUID(json.loads(zlib.decompress(raw) if compressed else raw)["u"]).hex


def notice_of(page: str) -> str:
    match = NOTICE_RE.search(page)
    return html.unescape(match.group(1)).strip() if match else ""


def _attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in ATTRIBUTE_RE.findall(tag)}


def quiz_answer(form: str) -> dict[str, str]:
    """A valid answer to one quiz question's form: True, the first choice, the events as shown, or a year."""
    answer: dict[str, str] = {}
    position = 0
    for tag in TAG_RE.finditer(form):
        attributes = _attributes(tag.group(0))
        name = attributes.get("name", "")
        if name == "csrfmiddlewaretoken":
            answer[name] = attributes.get("value", "")
        elif name == "choice":
            answer.setdefault("choice", attributes.get("value", ""))
        elif name.startswith("position-"):
            position += 1
            answer[name] = str(position)
        elif name == "response":
            answer.setdefault("response", "True" if attributes.get("type") == "radio" else "1927")
    return answer


class Student(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        number = next(_accounts)
        account = ACCOUNTS["learners"][number % len(ACCOUNTS["learners"])]
        self.username, self.password = account["username"], account["password"]
        self.slug = ACCOUNTS["deck"]
        self.quiz = ACCOUNTS.get("quiz")
        self.rng = random.Random(number)  # noqa: S311 - a simulated student's choices
        self.page: str | None = None  # the card partial on screen
        self.logged_in = False
        self.quiz_done = not self.quiz
        self.quiet_until = 0.0
        self._log_in()

    # --- requests ---------------------------------------------------------------------------------------------

    def _send(self, method: str, path: str, name: str, *, data=None, htmx=False, ok=(200,), redirects=False):
        """One request, a success when its status is in `ok` (status 0: no response at all)."""
        headers = {}
        if htmx:
            headers |= {"HX-Request": "true", "HX-Target": "study-card"}
        if method == "POST":
            headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
        with self.client.request(
            method,
            path,
            name=name,
            data=data,
            headers=headers,
            allow_redirects=redirects,
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            if response.status_code in ok:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}" + (f": {response.error}" if response.error else ""))
            return response

    def _failed(self) -> None:
        """Nothing on screen is to be trusted: reload before the next step, and no undo for a while."""
        self.page = None
        self.quiet_until = time.time() + UNDO_QUIET_SECONDS

    def _log_in(self) -> None:
        page = self._send("GET", "/accounts/login/", "/accounts/login/")
        match = CSRF_FIELD_RE.search(page.text or "") if page.status_code == 200 else None
        if match is None:
            return
        fields = {"username": self.username, "password": self.password, "csrfmiddlewaretoken": match.group(1)}
        response = self._send("POST", "/accounts/login/", "/accounts/login/", data=fields, ok=(302,))
        self.logged_in = response.status_code == 302 and "sessionid" in self.client.cookies
        if self.logged_in:
            self._send("GET", "/study/", "/study/")

    def _ready(self) -> bool:
        if not self.logged_in:
            self._log_in()
        return self.logged_in

    # --- studying ---------------------------------------------------------------------------------------------

    @task(20)
    def study(self) -> None:
        """One card: answer it unless its answer is on screen already, then rate it; sometimes undo that."""
        if not self._ready():
            return
        if self.page is None or (rating_fields(self.page) is None and answer_fields(self.page) is None):
            response = self._send("GET", f"/study/{self.slug}/", "/study/[deck]/", htmx=True)
            if response.status_code != 200 or STUDY_CARD not in response.text:
                self._failed()
                return
            self.page = response.text
        fields = rating_fields(self.page)
        if fields is None:
            if answer_fields(self.page) is None:
                self.page = None  # all done for now: another task, and a fresh look later
                return
            fields = self._answer()
            if fields is None:
                return
        rated = self._rate(fields)
        if rated and self.rng.random() < UNDO_CHANCE and time.time() >= self.quiet_until:
            self._undo(rated)

    def _answer(self) -> dict[str, str] | None:
        """Answer the question on screen ("I don't know", or a valid pick where the kind needs one)."""
        path = f"/study/{self.slug}/answer/"
        response = self._send(
            "POST", path, "/study/[deck]/answer/", data=answer_fields(self.page), htmx=True, ok=(200, 422)
        )
        if response.status_code == 422:
            fields = answer_fields(response.text, complete=True)
            if fields is None:
                self._failed()
                return None
            response = self._send("POST", path, "/study/[deck]/answer/ (completed)", data=fields, htmx=True)
        if response.status_code != 200 or STUDY_CARD not in response.text:
            self._failed()
            return None
        self.page = response.text
        return rating_fields(response.text)  # None if another card came instead ("already answered")

    def _rate(self, fields: dict[str, str]) -> str | None:
        """Rate the card on screen; the client_uuid of the rating if the server acknowledged it."""
        review = token_uuid(fields["token"])
        rating = "1" if self.rng.random() < 0.15 else self.rng.choice("2334")
        data = {**fields, "rating": rating, "duration_ms": str(self.rng.randint(1500, 9000))}
        EVENTS.write(kind="rate", learner=self.username, uuid=review, outcome="sent")
        response = self._send("POST", f"/study/{self.slug}/rate/", "/study/[deck]/rate/", data=data, htmx=True)
        notice = ""
        if response.status_code == 200 and STUDY_CARD in response.text:
            notice = notice_of(response.text)
            outcome = "refused" if notice.startswith(REFUSALS) else "acked"
            self.page = response.text
        else:
            outcome = "lost_connection" if response.status_code == 0 else "error"
            self._failed()
        EVENTS.write(
            kind="rate", learner=self.username, uuid=review, outcome=outcome, status=response.status_code, notice=notice
        )
        return review if outcome == "acked" else None

    def _undo(self, review: str) -> None:
        """Undo the rating just acknowledged: the newest review of this learner, which is that one."""
        response = self._send("POST", f"/study/{self.slug}/undo/", "/study/[deck]/undo/", data={}, htmx=True)
        notice = ""
        if response.status_code == 200 and STUDY_CARD in response.text:
            notice = notice_of(response.text)
            outcome = "undone" if notice.startswith("Undid") else "nothing" if notice.startswith("Nothing") else "other"
            self.page = response.text
        else:
            outcome = "lost_connection" if response.status_code == 0 else "error"
            self._failed()
        EVENTS.write(
            kind="undo", learner=self.username, uuid=review, outcome=outcome, status=response.status_code, notice=notice
        )

    # --- progress and the quiz --------------------------------------------------------------------------------

    @task(2)
    def progress(self) -> None:
        if self._ready():
            self._send("GET", "/progress/", "/progress/")

    @task(1)
    def take_quiz(self) -> None:
        """The class quiz once: start (or continue) an attempt, save every answer, submit, read the result."""
        if self.quiz_done or not self._ready():
            return
        detail = self._send("GET", f"/quizzes/{self.quiz}/", "/quizzes/[id]/")
        if detail.status_code != 200:
            return
        link = ATTEMPT_LINK_RE.search(detail.text)
        if link:
            attempt = link.group(1)
        elif f'action="/quizzes/{self.quiz}/start/"' in detail.text:
            match = CSRF_FIELD_RE.search(detail.text)
            fields = {"csrfmiddlewaretoken": match.group(1) if match else ""}
            started = self._send("POST", f"/quizzes/{self.quiz}/start/", "/quizzes/[id]/start/", data=fields, ok=(302,))
            if started.status_code != 302:
                return
            attempt = started.headers["Location"]
        else:
            self.quiz_done = True  # no attempts left
            return
        page = self._send("GET", attempt, "/attempts/[id]/")
        if page.status_code != 200:
            return
        for form in QUIZ_FORM_RE.finditer(page.text):
            action = _attributes(f"<form {form.group(1)}>").get("action", "")
            saved = self._send(
                "POST", action, "/attempts/[id]/questions/[n]/", data=quiz_answer(form.group(2)), htmx=True
            )
            if saved.status_code != 200:
                return
        submit = f"{attempt}submit/"
        confirm = self._send("GET", submit, "/attempts/[id]/submit/")
        match = CSRF_FIELD_RE.search(confirm.text or "") if confirm.status_code == 200 else None
        if match is None:
            return
        done = self._send(
            "POST", submit, "/attempts/[id]/submit/", data={"csrfmiddlewaretoken": match.group(1)}, ok=(302,)
        )
        if done.status_code == 302:
            self._send("GET", done.headers["Location"], "/attempts/[id]/result/")
            self.quiz_done = True
