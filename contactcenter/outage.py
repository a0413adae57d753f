"""HTTP while the database is away: 503 with `Retry-After`, never a 500.

A provider that hears 503 retries later (Twilio's status callbacks, Slack, ESPs, SMTP); one
that hears 500 may give up, and Twilio does not retry an inbound SMS at all, so the customer's
message would be lost without anyone knowing. A browser gets a page saying to try again.

Two places catch the error: the middleware for exceptions a view raises (one log line, no
traceback: an outage is not a bug), and `handler500` for those raised in other middleware
(saving a session, say), which Django turns into a response before any middleware sees them.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _pool_timeout() -> tuple[type[BaseException], ...]:
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:
        return ()
    return (PoolTimeout,)


UNAVAILABLE = (OperationalError, InterfaceError, *_pool_timeout())


def is_outage(error: BaseException | None) -> bool:
    """A database that cannot be reached or dropped the connection; not a bad query."""
    if error is None:
        return False
    if isinstance(error, UNAVAILABLE):
        return True
    return isinstance(error.__cause__, UNAVAILABLE)


def _layer_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:
        return ()
    return (RedisConnectionError, RedisTimeoutError)


def is_transient(error: BaseException) -> bool:
    """The database or the channel layer is away: worth trying again in a few seconds."""
    return is_outage(error) or isinstance(error, (ConnectionError, *_layer_errors()))


def unavailable(request: HttpRequest) -> HttpResponse:
    message = "The service is briefly unavailable; please try again in a few seconds."
    if "text/html" in request.headers.get("Accept", ""):
        response: HttpResponse = HttpResponse(
            f"<!doctype html><title>Unavailable</title><p>{message}</p>",
            status=503,
            content_type="text/html",
        )
    else:
        response = JsonResponse({"error": "unavailable", "detail": message}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        log.warning("%s %s: 503, database unavailable: %s", request.method, request.path, exception)
        return unavailable(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is being handled, so it can tell an outage."""
    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    return defaults.server_error(request)
