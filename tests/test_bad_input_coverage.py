"""Every URL of the app that accepts a POST is covered by a bad-input test, or listed here with a reason.

The bad-input modules (tests/<app>/test_bad_input.py) each name the URLs they post to in `COVERS`. A URL's methods
are read from its view: `require_http_methods` (and `require_POST`, `require_safe`) keep their list in the
wrapper's closure, a class-based view has `http_method_names`. A view whose methods can't be read counts as taking
POST, so a new one is never skipped silently.
"""

from __future__ import annotations

import importlib

from django.urls import URLPattern, URLResolver, get_resolver

# The app's namespaces (and its un-namespaced account pages); the admin's own URLs are Django's, not ours.
APP_NAMESPACES = frozenset({"library", "review", "progress", "classroom", "quizzes", "memory", None})

BAD_INPUT_MODULES = [
    "tests.accounts.test_bad_input",
    "tests.classroom.test_bad_input",
    "tests.library.test_bad_input",
    "tests.memory.test_bad_input",
    "tests.progress.test_bad_input",
    "tests.quizzes.test_bad_input",
    "tests.review.test_bad_input",
]

# POST-accepting URLs without a bad-input test of their own, and why that is enough.
NOT_COVERED: dict[str, str] = {}


def _views(resolver: URLResolver, namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in APP_NAMESPACES:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def methods_of(view) -> frozenset[str] | None:
    """The HTTP methods a view takes, or None when they can't be read from it."""
    if hasattr(view, "view_class"):
        return frozenset(name.upper() for name in view.view_class.http_method_names if hasattr(view.view_class, name))
    while view is not None:
        for cell in view.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(value, list | tuple) and value and all(isinstance(v, str) and v.isupper() for v in value):
                return frozenset(value)
        view = getattr(view, "__wrapped__", None)
    return None


def post_urls() -> set[str]:
    return {name for name, view in _views(get_resolver()) if "POST" in (methods_of(view) or {"POST"})}


def covered() -> set[str]:
    return set().union(*(importlib.import_module(module).COVERS for module in BAD_INPUT_MODULES))


def test_methods_are_read_from_the_views():
    views = dict(_views(get_resolver()))
    assert methods_of(views["review:answer"]) == {"POST"}
    assert methods_of(views["review:settings"]) == {"GET", "POST"}
    assert methods_of(views["library:home"]) == {"GET"}
    assert "POST" in methods_of(views["login"])


def test_every_url_that_takes_a_post_has_a_bad_input_test_or_a_reason():
    forgotten = post_urls() - covered() - set(NOT_COVERED)
    assert not forgotten, (
        f"URLs that take a POST with no bad-input test: {sorted(forgotten)}. Post bad values to them in "
        "tests/<app>/test_bad_input.py (name them in its COVERS), or list them in NOT_COVERED with a reason."
    )


def test_the_lists_name_only_urls_that_take_a_post():
    names = post_urls()
    assert not (covered() | set(NOT_COVERED)) - names, "A bad-input list names a URL that is gone or takes no POST"
    assert not covered() & set(NOT_COVERED), "A URL is both covered and said not to be"
