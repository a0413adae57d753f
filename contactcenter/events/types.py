"""Event types: small frozen dataclasses with JSON-native fields, named in the past tense.

Each app declares its events in its own `events.py`; subclassing `DomainEvent` registers the
type by class name, which is the `type` stored in the log. docs/events.md lists them all and a
test keeps the two in step.

Schema versions and upcasting: a type's `schema_version` (1 unless it says otherwise) is stored
with each event. When a type's fields change, raise its `schema_version` and register an
`@upcaster(TypeName, from_version=n)` that turns the data of version n into that of n + 1;
reading the log upgrades old events through them, so code only ever sees the current shape.
Data that does not match the current fields exactly (a field nobody upcast, or one missing) is
an `EventSchemaError`, never silently dropped or defaulted.
"""

import copy
import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar, Self


class UnknownEventType(LookupError):
    pass


class EventSchemaError(ValueError):
    """Stored data that does not fit its type: a version with no upcaster, or fields that
    neither the type nor an upcaster accounts for."""


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
_upcasters: dict[tuple[str, int], Upcaster] = {}


def upcaster(type_name: str, *, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register `fn` to turn `type_name`'s data of `from_version` into `from_version + 1`.
    It gets a copy of the stored dict and returns the new one; keep it pure and keep it
    forever (the log never changes, old events are upgraded every time they are read)."""

    def register(fn: Upcaster) -> Upcaster:
        key = (type_name, from_version)
        if key in _upcasters and _upcasters[key] is not fn:
            raise TypeError(f"{type_name} v{from_version} already has an upcaster")
        _upcasters[key] = fn
        return fn

    return register


def added_fields(type_name: str, *, from_version: int, **defaults: Any) -> Upcaster:
    """The commonest upcaster: fields added to the type, with the value older events had in
    effect. (Data written before versions were stored may already hold them: kept then.)"""

    def add(data: dict[str, Any]) -> dict[str, Any]:
        for name, value in defaults.items():
            data.setdefault(name, copy.deepcopy(value))
        return data

    add.__name__ = f"{type_name}_v{from_version}_added_{'_'.join(defaults)}"
    return upcaster(type_name, from_version=from_version)(add)


def current_version(type_name: str) -> int:
    cls = DomainEvent.registry.get(type_name)
    return cls.schema_version if cls is not None else 1


def upcast(type_name: str, data: dict[str, Any], version: int) -> dict[str, Any]:
    """`data`, stored at `version`, as the type's current version has it. Types no longer
    declared are returned as they are (a log outlives its code)."""
    target = current_version(type_name)
    if version == target:
        return data
    if version > target:
        raise EventSchemaError(
            f"{type_name} v{version} is newer than this code's v{target}: upgrade the code"
        )
    data = dict(data)
    for step in range(version, target):
        fn = _upcasters.get((type_name, step))
        if fn is None:
            raise EventSchemaError(f"{type_name} has no upcaster from v{step} to v{step + 1}")
        data = fn(data)
    return data


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    registry: ClassVar[dict[str, type["DomainEvent"]]] = {}
    # Raise it when the fields change, with an upcaster from the version before.
    schema_version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        existing = DomainEvent.registry.get(cls.__name__)
        if existing is not None and existing.__module__ != cls.__module__:
            raise TypeError(f"event type {cls.__name__} is declared twice")
        DomainEvent.registry[cls.__name__] = cls

    @property
    def type(self) -> str:
        return type(self).__name__

    def to_data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Self:
        """The event from data of its current version: exactly its fields, no more, no less
        (older data goes through `upcast` first)."""
        known = _field_names.get(cls)
        if known is None:
            known = _field_names[cls] = frozenset(f.name for f in dataclasses.fields(cls))
        if known.symmetric_difference(data):
            unknown, missing = sorted(set(data) - known), sorted(known - set(data))
            raise EventSchemaError(
                f"{cls.__name__} v{cls.schema_version} data does not fit: "
                + "; ".join(
                    part
                    for part in (
                        unknown and f"unknown fields {', '.join(unknown)}",
                        missing and f"missing fields {', '.join(missing)}",
                    )
                    if part
                )
                + " (an upcaster should account for them)"
            )
        return cls(**data)

    @staticmethod
    def decode(type_name: str, data: dict[str, Any], version: int | None = None) -> "DomainEvent":
        """The event of `type_name` from stored data; `version`: the schema version it was
        stored at, when it has not been upcast yet."""
        try:
            cls = DomainEvent.registry[type_name]
        except KeyError:
            raise UnknownEventType(type_name) from None
        if version is not None:
            data = upcast(type_name, data, version)
        return cls.from_data(data)

    @classmethod
    def fields_doc(cls) -> list[tuple[str, str]]:
        return [(f.name, _type_name(f.type)) for f in dataclasses.fields(cls)]


_field_names: dict[type, frozenset[str]] = {}


def _type_name(annotation: Any) -> str:
    return (
        annotation
        if isinstance(annotation, str)
        else getattr(annotation, "__name__", str(annotation))
    )
