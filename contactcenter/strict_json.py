"""JSON as we accept it from outside: request bodies and socket frames.

Python's `json.loads` takes more than JSON: `NaN` and `Infinity`, numbers like `1e999` that
become an infinite float, integers of thousands of digits, and nesting deep enough to exhaust
the interpreter's stack (a RecursionError, not a ValueError). Each of those reached a handler
and became a 500 or a dropped socket, or an event the log's encoder (orjson: finite floats,
254 levels) could not store. `loads` refuses them all with `MalformedJson`, a ValueError
whose message says what was wrong, so shells answer 400 or an error frame.
"""

import json
import math
import re
from typing import Any

MAX_DEPTH = 32  # objects and arrays inside each other; our frames and bodies use 3 or 4
INT_RANGE = range(-(2**63), 2**63)  # what a database column or an id can hold
MAX_NUMBER_CHARS = 40  # no integer in range, and no sane float, is written longer
JSON_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number"}
JSON_NAMES |= {bool: "true or false", type(None): "null"}
# Escapes that may decode to what no text column or jsonb value can hold: NUL, and half of
# a surrogate pair. Only a text that has one is searched string by string.
UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


class MalformedJson(ValueError):
    """The text is not JSON we accept; the message says why, for the sender to read."""


def _shown(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def _refuse_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text) if len(text) <= MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(value):
        raise MalformedJson(f"the number {_shown(text)} is out of range")
    return value


def _bounded_int(text: str) -> int:
    value = int(text) if len(text) <= MAX_NUMBER_CHARS else None
    if value is None or value not in INT_RANGE:
        raise MalformedJson(f"the integer {_shown(text)} is out of range")
    return value


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply `value`'s containers nest, counted without recursion; stops past `limit`."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend(
            (child, level + 1) for child in (item.values() if isinstance(item, dict) else item)
        )
    return deepest


def loads(raw: str | bytes | bytearray) -> Any:
    """The value `raw` holds, or MalformedJson."""
    if isinstance(raw, bytes | bytearray):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise MalformedJson(f"not UTF-8 text: {error.reason} at byte {error.start}") from None
    try:
        value = json.loads(
            raw,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except RecursionError:
        raise MalformedJson(f"nested more than {MAX_DEPTH} levels deep") from None
    except MalformedJson:
        raise
    except ValueError as error:
        raise MalformedJson(f"not JSON: {error}") from None
    if depth(value) > MAX_DEPTH:
        raise MalformedJson(f"nested more than {MAX_DEPTH} levels deep")
    if UNSTORABLE_ESCAPE.search(raw):
        _require_storable(value)
    return value


def _require_storable(value: Any) -> None:
    """NUL (`"\\u0000"`), which PostgreSQL refuses in text and jsonb, and half a surrogate
    pair (`"\\ud800"`), which is no text at all, decode to strings nothing can store."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, str):
            if "\x00" in item:
                raise MalformedJson("a string holds a NUL character (\\u0000)")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise MalformedJson("a string holds half a surrogate pair") from None


def loads_object(raw: str | bytes | bytearray) -> dict[str, Any]:
    """Like `loads`, for places that expect a JSON object (`{...}`) and nothing else."""
    value = loads(raw)
    if not isinstance(value, dict):
        raise MalformedJson(f"expected a JSON object, not {JSON_NAMES.get(type(value), 'that')}")
    return value
