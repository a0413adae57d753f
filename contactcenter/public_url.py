"""PUBLIC_URL: where browsers and providers reach the platform. Provider signatures are checked
against it (Twilio signs the URL it called), and links and the widget's embed snippet use it.

When the environment does not set it, it is where `manage.py serve` listens: `make run
PORT=8201` is reached at http://127.0.0.1:8201, and a Twilio request signed for that URL is
heard. Settings are read before the command parses its options, so `serve` adjusts them here,
before the server starts, together with the settings derived from PUBLIC_URL.
"""

import os

from django.conf import settings

# Listening on every interface says nothing of the name clients use; locally, this one works.
WILDCARD_ADDRESSES = {"", "0.0.0.0", "::"}


def follow_listener(host: str, port: int) -> str:
    """Unless PUBLIC_URL is set, make it http://HOST:PORT; returns the PUBLIC_URL in force."""
    if os.environ.get("PUBLIC_URL"):
        return settings.PUBLIC_URL
    address = "127.0.0.1" if host in WILDCARD_ADDRESSES else host
    hostname = f"[{address}]" if ":" in address else address  # as a Host header names it
    url = f"http://{hostname}:{port}"
    settings.PUBLIC_URL = url
    settings.AXES_ALLOWED_CORS_ORIGINS = url
    if not os.environ.get("ALLOWED_HOSTS") and hostname not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, hostname]
    if not os.environ.get("CSRF_TRUSTED_ORIGINS"):
        settings.CSRF_TRUSTED_ORIGINS = [url]
    return url
