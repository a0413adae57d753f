"""Answers kept for one request or socket call: a view asks the same small question (which
customers were merged into this one, who the user is) from several places, and every ORM
query costs about a millisecond of CPU. Nothing outlives the call, so nothing goes stale.

The HTTP middleware (`roles.OneRequestMiddleware`) and the sockets' database calls
(`db_threads.in_thread`) open one; outside one, every question is asked anew. A command
(a write) forgets them all.
"""

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_memo", default=None)


@contextlib.contextmanager
def one_request() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def active() -> bool:
    """Whether answers are kept: inside a request or a socket's database call."""
    return _memo.get() is not None


def asked(kind: str, key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per request for this kind of question about `key`."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if (kind, key) not in memo:
        memo[kind, key] = compute()
    return memo[kind, key]


def known(kind: str, key: Any) -> tuple[bool, Any]:
    memo = _memo.get()
    if memo is None or (kind, key) not in memo:
        return False, None
    return True, memo[kind, key]


def take(kind: str, key: Any) -> tuple[bool, Any]:
    """`known`, once: an answer read ahead for one asker, who takes it (a later asker, say a
    command after the view, asks afresh)."""
    memo = _memo.get()
    if memo is None or (kind, key) not in memo:
        return False, None
    return True, memo.pop((kind, key))


def keep(kind: str, key: Any, value: Any) -> None:
    memo = _memo.get()
    if memo is not None:
        memo[kind, key] = value


def forget() -> None:
    """Drop the request's answers: it wrote something that may change them (commands.py)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()
