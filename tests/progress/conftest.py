"""The progress tests study the same small deck as the review tests (its fixture and helpers live there)."""

from __future__ import annotations

from tests.review.conftest import deck  # noqa: F401 - re-exported fixture
