"""Path converters of the app's URLs."""

from __future__ import annotations


class IdConverter:
    """A row's id in a URL (`<id:pk>`): at most 18 digits, so it always fits the database's 64-bit integer.

    Django's `<int:...>` takes any run of digits, and a longer one reached the database in a foreign-key lookup
    (`deck_id=10**30`) and overflowed it: a 500 on SQLite and PostgreSQL. Here it matches no URL: a 404.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
