"""A lookup step's call to the business's system (routing.flows.models.Lookup): the shell the
flow engine asks through `Context.look_up`.

POST, JSON, signed as our webhooks are (Standard Webhooks: the endpoint verifies
`webhook-signature` with the lookup's secret; a retry keeps its `webhook-id`):

    {"lookup": "Orders", "interaction_id": "…", "flow": "support", "step": "order",
     "values": {"order_number": "A-1001"}}

A 2xx answer with a JSON object is `answered`; anything else is a reason the flow takes the
step's fallback. Timeouts, lost connections and 5xx answers are tried again (the lookup's
`retries`, a short backoff); a 4xx or a malformed answer is not: asking again would get the
same. Failures in a row open the lookup's circuit breaker (per server process), and while it
is open the customer hears the fallback at once instead of waiting out timeouts.

The customer waits while this runs (the flow's turn is one transaction), so each attempt has
the lookup's `timeout_ms` and all of them together at most `DEADLINE_S`.
"""

import hashlib
import json
import logging
import threading
import time
import uuid

import urllib3

from contactcenter.webhooks import signing
from routing.flows.circuit_breaker import CircuitBreaker
from routing.flows.engine import LookupAnswer, LookupCall
from routing.flows.models import Lookup

log = logging.getLogger(__name__)

DEADLINE_S = 8.0  # a phone call's webhook must answer Twilio within 15 s
ANSWER_MAX_BYTES = 64 * 1024
TRIED_AGAIN = frozenset({"timeout", "unreachable", "error"})
SYSTEM_UP = frozenset({"answered", "not_found", "refused"})  # it answered: the circuit holds

_lock = threading.Lock()
_breakers: dict[int, CircuitBreaker] = {}
_pools: dict[tuple[int, str], urllib3.PoolManager] = {}


def ask(call: LookupCall) -> LookupAnswer:
    """Ask the step's lookup; never raises (a lookup that cannot answer is an outcome)."""
    lookup = Lookup.objects.filter(pk=call.lookup_id).first() if call.lookup_id else None
    if lookup is None:
        return LookupAnswer("unconfigured")
    breaker = _breaker(lookup)
    with _lock:
        allowed = breaker.allows(time.monotonic())
    if not allowed:
        log.info("lookup %s: circuit open, not asked", lookup.name)
        return LookupAnswer("circuit_open")
    started = time.monotonic()
    answer = _with_retries(lookup, call, started)
    with _lock:
        if answer.outcome in SYSTEM_UP:
            breaker.succeeded()
        else:
            breaker.failed(time.monotonic())
    if not answer.answered:
        log.warning(
            "lookup %s for %s: %s (HTTP %s) after %s attempt(s), %s ms",
            lookup.name,
            call.interaction_id,
            answer.outcome,
            answer.status,
            answer.attempts,
            answer.elapsed_ms,
        )
    return answer


def _with_retries(lookup: Lookup, call: LookupCall, started: float) -> LookupAnswer:
    body = json.dumps(
        {
            "lookup": lookup.name,
            "interaction_id": call.interaction_id,
            "flow": call.flow,
            "step": call.step,
            "values": call.values,
        }
    ).encode()
    request_id = f"msg_{uuid.uuid4().hex}"
    outcome, status, answer, attempts = "timeout", 0, {}, 0
    for attempt in range(lookup.retries + 1):
        left = DEADLINE_S - (time.monotonic() - started)
        if left <= 0.05:
            break
        attempts += 1
        timeout = min(lookup.timeout_ms / 1000, left)
        outcome, status, answer = _attempt(lookup, request_id, body, timeout)
        if outcome not in TRIED_AGAIN or attempt == lookup.retries:
            break
        time.sleep(min(0.1 * 2**attempt, max(0.0, DEADLINE_S - (time.monotonic() - started))))
    elapsed_ms = round((time.monotonic() - started) * 1000)
    return LookupAnswer(outcome, answer, status, attempts, elapsed_ms)


def _attempt(lookup: Lookup, request_id: str, body: bytes, timeout: float) -> tuple[str, int, dict]:
    headers = signing.headers(lookup.secret, request_id, int(time.time()), body)
    headers["User-Agent"] = "contactcenter-lookups/1"
    try:
        response = _pool(lookup).request(
            "POST",
            lookup.url,
            body=body,
            headers=headers,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            retries=False,
            redirect=False,
            preload_content=False,
        )
        try:
            data = response.read(ANSWER_MAX_BYTES + 1)
        finally:
            response.release_conn()
    except urllib3.exceptions.NewConnectionError:  # (a ConnectTimeoutError too, by descent)
        return "unreachable", 0, {}
    except urllib3.exceptions.TimeoutError:
        return "timeout", 0, {}
    except urllib3.exceptions.HTTPError:  # refused, reset, TLS: nothing came back
        return "unreachable", 0, {}
    status = response.status
    if status >= 500:
        return "error", status, {}
    if status == 404:
        return "not_found", status, {}
    if not 200 <= status < 300:
        return "refused", status, {}
    try:
        answer = json.loads(data) if len(data) <= ANSWER_MAX_BYTES else None
    except ValueError:  # not JSON, or not UTF-8
        answer = None
    if not isinstance(answer, dict):
        return "malformed", status, {}
    return "answered", status, answer


def _breaker(lookup: Lookup) -> CircuitBreaker:
    """The lookup's breaker in this process; a new one when an admin changed its settings."""
    with _lock:
        breaker = _breakers.get(lookup.pk)
        if breaker is None or (breaker.threshold, breaker.open_seconds) != (
            lookup.failure_threshold,
            lookup.open_seconds,
        ):
            breaker = CircuitBreaker(lookup.failure_threshold, float(lookup.open_seconds))
            _breakers[lookup.pk] = breaker
        return breaker


def _pool(lookup: Lookup) -> urllib3.PoolManager:
    """Connections kept per lookup and trusted CA, so a customer does not wait for a TLS
    handshake on every step."""
    key = (lookup.pk, hashlib.sha256(lookup.trusted_ca.encode()).hexdigest())
    with _lock:
        pool = _pools.get(key)
        if pool is None:
            options = {"ca_cert_data": lookup.trusted_ca} if lookup.trusted_ca.strip() else {}
            pool = urllib3.PoolManager(num_pools=4, maxsize=4, cert_reqs="CERT_REQUIRED", **options)
            _pools[key] = pool
        return pool


def forget() -> None:
    """Every breaker and connection of this process (tests; a settings change)."""
    with _lock:
        _breakers.clear()
        for pool in _pools.values():
            pool.clear()
        _pools.clear()
