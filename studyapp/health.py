"""/healthz, for a load balancer: can this app server reach its database and its cache?

200 {"status": "ok"}, or 503 {"status": "unavailable", "failing": ["database"]}; nothing else (no versions, host
names or error messages: the reason is logged here, not sent). No session or CSRF cookie, never cached. Exempt from
the HTTPS redirect (SECURE_REDIRECT_EXEMPT) since load balancers probe over plain HTTP, but not from ALLOWED_HOSTS:
the probe must send a Host header the site answers to."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: the database did not answer", exc_info=True)
        return False


def cache_answers() -> bool:
    # A key of its own per probe: several servers probed at once share the cache and must not read each other's.
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", timeout=30)
        answered = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:
        logger.warning("healthz: the cache did not answer", exc_info=True)
        return False
    return answered


@csrf_exempt  # a POST gets 405 from require_safe, not a CSRF page (and no cookie is ever set here)
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_answers, "cache": cache_answers}
    failing = [name for name, check in checks.items() if not check()]
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
