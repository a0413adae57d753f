"""Where a login comes from, for throttling (django-axes; docs/security.md)."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind LOGIN_PROXY_COUNT proxies that each append the address they saw to
    X-Forwarded-For, the address the outermost one saw: the N-th from the right. Whatever is
    left of it the client wrote itself, so it is never believed."""
    count = settings.LOGIN_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if count and len(hops) >= count:
        return hops[-count]
    return request.META.get("REMOTE_ADDR", "")
