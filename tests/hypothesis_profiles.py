"""Hypothesis profiles for the suite, loaded by tests/conftest.py; `HYPOTHESIS_PROFILE=explore` picks another.

* `default` (`make test`, CI): derandomized, so every run on either database tries the same examples and a
  failure reproduces; 20 examples a test (about 30 s for the bad-input tests, whose examples are requests) and
  no deadline.
* `explore`: random examples and many more of them, for hunting new failures by hand
  (`HYPOTHESIS_PROFILE=explore .venv/bin/pytest tests -k bad_input`).

A test's own `@settings(...)` overrides what it names (some ask for more examples than the default).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Several tests post to a view per example, inside the `db` fixture's transaction (see tests/bad_input.py).
_SLOW_EXAMPLES = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("default", max_examples=20, deadline=None, derandomize=True, print_blob=True)
settings.register_profile(
    "explore", max_examples=300, deadline=None, derandomize=False, suppress_health_check=_SLOW_EXAMPLES
)


def load() -> None:
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
