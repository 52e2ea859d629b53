"""The container's health check (Dockerfile HEALTHCHECK, compose.yaml): GET /healthz on this container's gunicorn
and exit 0 on 200, 1 otherwise. No Django: it runs every few seconds and must be cheap.

/healthz keeps ALLOWED_HOSTS, so the probe sends a Host header the site answers to: the first of ALLOWED_HOSTS
(".example.org" stands for example.org and its subdomains; "*" for any)."""

from __future__ import annotations

import http.client
import os
import sys


def host_header() -> str:
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    first = hosts[0] if hosts else "localhost"
    return "localhost" if first == "*" else first.lstrip(".")


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": host_header()})
        status = connection.getresponse().status
    except OSError as error:
        print(f"healthz: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"healthz: {status}", file=sys.stderr)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
