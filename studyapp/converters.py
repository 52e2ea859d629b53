"""Path converters of the app's URLs."""

from __future__ import annotations

import re


class IdConverter:
    """A row's id in a URL (`<id:pk>`): at most 18 digits, so it always fits the database's 64-bit integer.

    Django's `<int:...>` takes any run of digits, and a longer one reached the database in a foreign-key lookup
    (`deck_id=10**30`) and overflowed it: a 500 on SQLite and PostgreSQL. Here it matches no URL: a 404.
    """

    regex = "[0-9]{1,18}"
    regex_compiled = re.compile(regex)

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


def parse_id(text: str) -> int | None:
    """The id a form or query names (its ASCII digits, as `<id:...>` takes them), or None.

    Not `text.isdigit()` then `int(text)`: "²" and "١" pass isdigit(), and int() refuses the first and a string of
    thousands of digits (a 500 each time); more than 18 digits fit no row.
    """
    return int(text) if IdConverter.regex_compiled.fullmatch(text) else None
