"""Every URL of the app that takes an id or a slug, given one that is too large, odd or absent, answers 404 (or
405 for a method it doesn't take), never a 5xx: as the admin (who may see everything) and as a student."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from studyapp.converters import IdConverter

APP_NAMESPACES = frozenset({"library", "review", "progress", "classroom", "quizzes", "memory", None})
# The largest id a URL takes (18 digits: within a 64-bit integer), beyond a 32-bit one, and none.
ODD_IDS = [10**18 - 1, 2**31, 0]
ODD_SLUGS = ["x" * 300, "-", "_", "0"]


def _patterns(resolver: URLResolver, namespace: str | None = None, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, pattern.namespace or namespace, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in APP_NAMESPACES:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.pattern.converters


def _with_arguments() -> list[tuple[str, dict]]:
    return [(name, converters) for name, converters in _patterns(get_resolver()) if converters]


def test_every_id_in_a_url_of_the_app_is_bounded():
    """`<int:...>` takes any run of digits, which overflowed the database in a lookup (a 500); `<id:...>` does not."""
    unbounded = [
        name for name, converters in _with_arguments() if any(isinstance(c, IntConverter) for c in converters.values())
    ]
    assert not unbounded, f"Name ids with <id:...> (studyapp/converters.py), not <int:...>: {unbounded}"


@pytest.mark.parametrize("path", ["/classes/{}/", "/progress/items/{}/", "/quizzes/{}/", "/items/{}/edit/"])
def test_an_id_longer_than_eighteen_digits_is_not_found(client, admin_user, path):
    client.force_login(admin_user)
    assert client.get(path.format("9" * 19)).status_code == 404
    assert client.get(path.format("9" * 5000)).status_code == 404


def _odd_kwargs(converters: dict) -> list[dict]:
    """For each argument in turn, each odd value, the other arguments given a plain one."""
    plain = {name: 1 if isinstance(c, IdConverter) else "nothing" for name, c in converters.items()}
    kwargs = []
    for name in converters:
        odd = ODD_IDS if plain[name] == 1 else ODD_SLUGS
        kwargs += [{**plain, name: value} for value in odd]
    return kwargs


# A page that answers an unknown token with 200 and says the link is not valid (Django's own).
SAYS_INVALID = frozenset({"password_reset_confirm"})


@pytest.mark.parametrize(("name", "converters"), _with_arguments(), ids=[name for name, _ in _with_arguments()])
def test_a_url_with_an_odd_id_or_slug_is_not_found(client, name, converters, admin_user, student_a):
    allowed = {302, 400, 403, 404, 405, 422} | ({200} if name in SAYS_INVALID else set())
    for user in (admin_user, student_a):
        client.force_login(user)
        for kwargs in _odd_kwargs(converters):
            url = reverse(name, kwargs=kwargs)
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code in allowed, (url[:100], method.__name__, response.status_code)
