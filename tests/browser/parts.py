"""Long browser audits cut into parts, so the test workers share them instead of one running them alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def even_runs(items: Sequence[T], count: int) -> list[tuple[T, ...]]:
    """`items` in order, cut into `count` consecutive runs of about equal length."""
    return [tuple(items[len(items) * index // count : len(items) * (index + 1) // count]) for index in range(count)]
