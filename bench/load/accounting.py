"""Nothing lost: the review log against the ratings the server acknowledged. Pure functions, no Django.

The locust users write one JSON line per event (bench/load/locustfile.py):

- {"kind": "rate", "learner": ..., "uuid": ..., "outcome": ...} once when a rating is sent (outcome "sent")
  and once when its fate is known: "acked" (a 2xx showing the next card or the summary, no refusal),
  "refused" (a 2xx saying the card was stale: nothing recorded), "error" (a 4xx or 5xx) or "lost_connection"
  (no response: a worker killed mid-request, a timeout). A retry of the same showing carries the same uuid.
- {"kind": "undo", "learner": ..., "uuid": ..., "outcome": ...} where uuid is the rating the undo should
  remove (the learner's last one, acknowledged just before) and outcome is "undone" (acknowledged, "Undid your
  last review"), "nothing" (acknowledged, "Nothing to undo today") or "error" / "lost_connection" (unknown).

A review is identified by (learner, client_uuid): the log's unique pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

ACKNOWLEDGED = "acked"
REFUSED = "refused"
SENT = "sent"
UNDONE = "undone"
# A rating whose fate the client never learnt, by why: these are the only ones that may be in the log unacknowledged.
UNANSWERED = ("lost_connection", "error")

Review = tuple[str, str]  # (learner, client_uuid hex)


@dataclass
class Accounting:
    acknowledged: set[Review] = field(default_factory=set)
    undone: set[Review] = field(default_factory=set)  # acknowledged undos: these must NOT be in the log
    undo_unknown: set[Review] = field(default_factory=set)  # undos without a response: either way is right
    expected: set[Review] = field(default_factory=set)  # acknowledged, not undone: each must be logged once
    logged_rows: int = 0
    lost: set[Review] = field(default_factory=set)  # expected, not in the log
    duplicated: set[Review] = field(default_factory=set)  # in the log more than once
    undone_but_logged: set[Review] = field(default_factory=set)
    # In the log without an acknowledgement, by the fate of its requests: "lost_connection" (no response: the
    # worker died with the request in flight), "error" (a 5xx: e.g. the commit went through, then the database
    # went away while the next card was read), "in_flight_at_stop" (sent, no outcome when the run ended) and
    # "refused" (the server said it recorded nothing) and "never_sent" (no client sent it): those two are bugs.
    unacknowledged_logged: dict[str, set[Review]] = field(default_factory=dict)

    @property
    def unacknowledged_logged_count(self) -> int:
        return sum(len(reviews) for reviews in self.unacknowledged_logged.values())

    @property
    def holds(self) -> bool:
        """Every acknowledged review logged exactly once, and every log row explained by a request that was sent.

        A row of a request that got no answer (a worker killed, a 5xx after the commit) is reported, not a failure:
        the client never heard either way, and a retry of the same card would have been taken as a replay.
        """
        unexplained = self.unacknowledged_logged.get("never_sent") or self.unacknowledged_logged.get("refused")
        return not (self.lost or self.duplicated or self.undone_but_logged or unexplained)

    def summary(self) -> dict:
        return {
            "acknowledged_reviews": len(self.acknowledged),
            "undone_reviews": len(self.undone),
            "expected_reviews": len(self.expected),
            "logged_reviews": self.logged_rows,
            "lost": len(self.lost),
            "duplicated": len(self.duplicated),
            "undone_but_logged": len(self.undone_but_logged),
            "undo_outcome_unknown": len(self.undo_unknown),
            "unacknowledged_logged": self.unacknowledged_logged_count,
            "unacknowledged_logged_by_cause": {
                cause: len(reviews) for cause, reviews in sorted(self.unacknowledged_logged.items())
            },
            "nothing_lost": self.holds,
        }


def account(events: Iterable[dict], logged: Iterable[Review]) -> Accounting:
    """Compare the client's events with the review log's (learner, client_uuid) rows (one tuple per row)."""
    result = Accounting()
    fates: dict[Review, set[str]] = {}
    for event in events:
        if event["kind"] not in {"rate", "undo"}:
            continue  # the run's other lines: 5xx and lost connections, status counts
        review = (str(event["learner"]), str(event["uuid"]))
        if event["kind"] == "rate":
            fates.setdefault(review, set()).add(event["outcome"])
            if event["outcome"] == ACKNOWLEDGED:
                result.acknowledged.add(review)
        elif event["kind"] == "undo":
            if event["outcome"] == UNDONE:
                result.undone.add(review)
            elif event["outcome"] in UNANSWERED:
                result.undo_unknown.add(review)
    result.undo_unknown -= result.undone
    result.expected = result.acknowledged - result.undone - result.undo_unknown

    rows = Counter(logged)
    result.logged_rows = sum(rows.values())
    in_log = set(rows)
    result.lost = result.expected - in_log
    result.duplicated = {review for review, count in rows.items() if count > 1}
    result.undone_but_logged = result.undone & in_log
    for review in in_log - result.acknowledged:
        result.unacknowledged_logged.setdefault(_cause(fates.get(review, set())), set()).add(review)
    return result


def _cause(fates: set[str]) -> str:
    """Why a logged review went unacknowledged, from what its requests met (no response outranks a 5xx)."""
    for cause in UNANSWERED:
        if cause in fates:
            return cause
    if SENT in fates:
        return "in_flight_at_stop" if fates == {SENT} else "refused"
    return "never_sent"
