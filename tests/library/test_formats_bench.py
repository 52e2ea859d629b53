"""A quick run of the import benchmark (bench/imports.py) at a tiny size, so that `make bench` doesn't
discover a broken import stage after many minutes of seeding."""

from __future__ import annotations

import pytest

from bench import imports as bench_imports
from studyapp.library.models import Deck, Item

pytestmark = pytest.mark.django_db


def test_the_import_stage_times_the_import_and_the_bare_bulk_create(instructor):
    result = bench_imports.measure(instructor, rows=50, repeats=2)

    assert len(result.import_ms) == len(result.bulk_ms) == 2
    assert result.ratio > 0
    assert not Deck.objects.exists()
    assert not Item.objects.exists()
