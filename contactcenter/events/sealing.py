"""What the store does to an event's data on its way in and out, registered from above (the
privacy app), so the kernel knows no policy:

- a *redactor* changes the data before it is stored and before the inline projections see it
  (card numbers masked): what it removes exists nowhere, not even in memory after the append;
- a *sealer* changes only the stored form (personal fields encrypted), and an *opener* undoes
  that for every reader of the log (projections, a rebuild, the feed, webhooks, exports). An
  opener takes a whole batch, so it can look up what it needs once per read.
"""

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# What a personal field reads once its customer's key is destroyed (docs/privacy.md).
ERASED = "erased"

Data = dict[str, Any]
Redactor = Callable[[str, Data], Data]  # (type, data) -> data
Sealer = Callable[[str, str, Data], Data]  # (stream id, type, data) -> stored data
Opener = Callable[[list[tuple[str, Data]]], list[Data]]  # [(type, stored)] -> [data]

_redactors: list[Redactor] = []
_sealers: list[Sealer] = []
_openers: list[Opener] = []


def register(
    *, redactor: Redactor | None = None, sealer: Sealer | None = None, opener: Opener | None = None
) -> None:
    for hook, hooks in ((redactor, _redactors), (sealer, _sealers), (opener, _openers)):
        if hook is not None and hook not in hooks:
            hooks.append(hook)


def redact(type_: str, data: Data) -> Data:
    for redactor in _redactors:
        data = redactor(type_, data)
    return data


def seal(stream_id: str, type_: str, data: Data) -> Data:
    for sealer in _sealers:
        data = sealer(stream_id, type_, data)
    return data


# Rows a sealer makes for the append it seals (a new customer's data keys), where the append
# takes them: written in the statement that writes the append's projection rows, not in an
# INSERT each before it (two of a new web chat's first message, issue 18).
_made = threading.local()


@contextlib.contextmanager
def rows_made_with_the_append(taken: bool) -> Iterator[list[Any]]:
    """While sealing an append: the new rows the sealers hand over (`made_with_the_append`),
    for the caller to write with its projections' rows. `taken` only where a failed append
    fails the whole transaction (a command's): a key whose row a refusal left unwritten must
    not outlive it, as a savepoint would let it. Otherwise none are taken, and the sealers
    write their rows themselves."""
    rows: list[Any] = []
    previous = getattr(_made, "rows", None)
    _made.rows = rows if taken else None
    try:
        yield rows
    finally:
        _made.rows = previous


def made_with_the_append(objs: Sequence[Any]) -> bool:
    """Hand new rows (unsaved model instances) to the append being sealed, which writes them
    in its transaction; False where no append takes them: write them yourself."""
    rows = getattr(_made, "rows", None)
    if rows is None:
        return False
    rows.extend(objs)
    return True


def open_all(stored: Sequence[tuple[str, Data]]) -> list[Data]:
    batch = list(stored)
    for opener in reversed(_openers):
        datas = opener(batch)
        batch = [(type_, data) for (type_, _), data in zip(batch, datas, strict=True)]
    return [data for _, data in batch]
