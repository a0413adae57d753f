"""Work a background loop could not do, put aside for a while before it is tried again: a
timer or a follow-up whose action failed (a bug, a record it cannot read). The loop leaves
them out of what it asks the database for, and out of how long it may sleep: counted as due,
one of them kept the loop running round after round without sleeping for as long as it was
aside, and a round's worth of them kept everything behind them from being done at all."""

import time


class SetAside:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until: dict[str, float] = {}  # key -> monotonic time to try it again

    def put(self, key: str) -> None:
        self._until[key] = time.monotonic() + self.seconds

    def keys(self) -> list[str]:
        """What is aside now (what has waited out its time is forgotten)."""
        now = time.monotonic()
        for key in [key for key, until in self._until.items() if until <= now]:
            del self._until[key]
        return list(self._until)

    def seconds_to_next(self) -> float | None:
        """Until the first of them may be tried again; None when nothing is aside."""
        if not self.keys():
            return None
        return max(0.0, min(self._until.values()) - time.monotonic())

    def forget(self) -> None:
        self._until.clear()
