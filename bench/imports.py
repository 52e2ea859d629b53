"""Import benchmark: import_ratio (target <= 3).

The time to import a 10,000-row CSV (`front,back`, as Quizlet and Anki write it) through the whole import
path — parsing, every row through the editor's validation, the all-or-nothing save (library.transfer) — over
the time of a bare `bulk_create` of the same 10,000 items (built from the same front/back pairs, no parsing,
no validation). The two are timed in turn, REPEATS times each, into fresh decks that are deleted after
each run; the ratio is of the medians.
"""

from __future__ import annotations

import csv
import io
import statistics
import time
from dataclasses import dataclass, field

from django.db import transaction

from studyapp.library import formats
from studyapp.library.models import Deck, Item, ItemKind
from studyapp.library.transfer import import_parsed

ROWS = 10_000
REPEATS = 5
TARGET_IMPORT_RATIO = 3


@dataclass
class ImportResult:
    rows: int
    import_ms: list[float] = field(default_factory=list)
    bulk_ms: list[float] = field(default_factory=list)
    parse_ms: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.import_ms) / statistics.median(self.bulk_ms)


def csv_rows(rows: int) -> list[tuple[str, str]]:
    return [(f"Who signed the platform of the {n}th, in October 1923?", f"Member number {n}") for n in range(rows)]


def csv_bytes(pairs: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(pairs)  # the fronts' commas quoted, as a spreadsheet writes them
    return out.getvalue().encode()


def measure(owner, *, rows: int = ROWS, repeats: int = REPEATS) -> ImportResult:
    pairs = csv_rows(rows)
    raw = csv_bytes(pairs)
    result = ImportResult(rows)
    for run in range(repeats):
        started = time.perf_counter()
        formats.parse(raw, "csv")
        result.parse_ms.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        deck = import_parsed(formats.parse(raw, "csv"), owner=owner, filename=f"bench-import-{run}.csv")
        result.import_ms.append((time.perf_counter() - started) * 1000)
        assert deck.items.count() == rows
        _drop(deck)

        bare = Deck.objects.create(slug=f"bench-bulk-{run}", title="Bulk", owner=owner)
        started = time.perf_counter()
        with transaction.atomic():
            Item.objects.bulk_create(
                (
                    Item(deck=bare, kind=ItemKind.BASIC, prompt=front, answer=back, position=position)
                    for position, (front, back) in enumerate(pairs)
                ),
                batch_size=1000,
            )
        result.bulk_ms.append((time.perf_counter() - started) * 1000)
        _drop(bare)
    return result


def _drop(deck: Deck) -> None:
    with transaction.atomic():
        deck.items.all().delete()
        deck.delete()
