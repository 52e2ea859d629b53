"""`make serve` runs this first: load the production settings and say in one line what stops the server from
starting (a missing SECRET_KEY, no ALLOWED_HOSTS), instead of a traceback after other output."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.conf import settings

        allowed_hosts = settings.ALLOWED_HOSTS
    except ImproperlyConfigured as error:
        print(f"make serve: {error}", file=sys.stderr)
        return 2
    if not allowed_hosts:
        print(
            "make serve: ALLOWED_HOSTS is empty, so every request would get 400. Set the host names the site "
            "answers to, e.g. ALLOWED_HOSTS=study.example.org (or 127.0.0.1,localhost to try it locally).",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
