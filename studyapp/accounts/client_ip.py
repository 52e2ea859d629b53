"""The client's address, for login throttling (django-axes) and the sign-up limit (django-ratelimit).

Without a proxy it is REMOTE_ADDR. Behind one, CLIENT_IP_HEADER names the header the proxy sets (e.g.
HTTP_X_FORWARDED_FOR) and CLIENT_IP_PROXY_COUNT how many proxies append to it: the address is read that many
entries from the right, the part a client cannot forge (what it sends itself sits further left).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# A client with IPv6 usually holds a whole /64: counting per address would give it 2**64 tries.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The address to count attempts against: IPv4 as is, IPv6 as its /64 network's first address."""
    address = _forwarded_address(request) or request.META.get("REMOTE_ADDR", "")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def _forwarded_address(request: HttpRequest) -> str:
    header = settings.CLIENT_IP_HEADER
    if not header:
        return ""
    entries = [entry.strip() for entry in request.META.get(header, "").split(",") if entry.strip()]
    count = settings.CLIENT_IP_PROXY_COUNT
    if len(entries) < count:
        return ""  # not through the proxy (or a proxy that didn't add itself): fall back to REMOTE_ADDR
    candidate = entries[-count]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return ""
    return candidate


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit's key callable: the same address as the login throttle counts."""
    return client_address(request)
