"""Where the projections differ from a replay of the log: their rows before and after a rebuild.

The log is the truth and a projection is what it says, so a row that a rebuild changes had
drifted: a write lost or doubled under a race, a projector that read something other than its
events, a hand edit. `rebuild_projections --compare` tells which rows a rebuild changed, and
the chat benchmark checks that the log of a run at 20 chats/s rebuilds to the rows its
servers wrote (issue 18: no correctness traded for speed).

Every field a row keeps is compared, but for the times Django stamps at a write
(`auto_now`, `auto_now_add`), which say when a row was written, not what happened.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, Model

from contactcenter.events.projections import Projector

Rows = dict[str, dict[str, dict[str, Any]]]  # model label -> primary key -> field -> value


@dataclass(frozen=True)
class Drift:
    """One row that differs: `live` or `rebuilt` is None where the row exists on one side
    only."""

    model: str
    pk: str
    live: dict[str, Any] | None
    rebuilt: dict[str, Any] | None

    def __str__(self) -> str:
        if self.live is None:
            return f"{self.model} {self.pk}: only in the rebuild"
        if self.rebuilt is None:
            return f"{self.model} {self.pk}: only in the live rows"
        fields = [
            f"{name} {_short(self.live.get(name))} -> {_short(self.rebuilt.get(name))}"
            for name in sorted(self.live.keys() | self.rebuilt.keys())
            if self.live.get(name) != self.rebuilt.get(name)
        ]
        return f"{self.model} {self.pk}: " + "; ".join(fields)


def _short(value: Any, most: int = 80) -> str:
    """A value as the report shows it: a message's text or a JSON field cut short."""
    shown = repr(value)
    return shown if len(shown) <= most else shown[: most - 1] + "…"


def _kept(model: type[Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if not (isinstance(field, DateField) and (field.auto_now or field.auto_now_add))
    ]


def rows(projectors: Iterable[Projector]) -> Rows:
    """Every row of the projectors' tables, by model and primary key."""
    found: Rows = {}
    for projector in projectors:
        for model in projector.models:
            names = _kept(model)
            pk = model._meta.pk.attname
            found[model._meta.label] = {
                str(values[pk]): values for values in model.objects.values(*names).iterator()
            }
    return found


def compared(live: Rows, rebuilt: Rows) -> list[Drift]:
    """The rows that differ between two readings, by model then key."""
    drifts = []
    for model in sorted(live.keys() | rebuilt.keys()):
        before, after = live.get(model, {}), rebuilt.get(model, {})
        for pk in sorted(before.keys() | after.keys()):
            if before.get(pk) != after.get(pk):
                drifts.append(Drift(model, pk, before.get(pk), after.get(pk)))
    return drifts


def counted(readings: Rows) -> int:
    return sum(len(by_key) for by_key in readings.values())
