"""Event types: small frozen dataclasses with JSON-native fields, named in the past tense.

Each app declares its events in its own `events.py`; subclassing `DomainEvent` registers the
type by class name, which is the `type` stored in the log. docs/events.md lists them all and a
test keeps the two in step.
"""

import dataclasses
from typing import Any, ClassVar, Self


class UnknownEventType(LookupError):
    pass


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    registry: ClassVar[dict[str, type["DomainEvent"]]] = {}

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
        known = _field_names.get(cls)
        if known is None:
            known = _field_names[cls] = frozenset(f.name for f in dataclasses.fields(cls))
        if known.issuperset(data):
            return cls(**data)
        # Fields since removed are ignored; fields added later get their defaults.
        return cls(**{k: v for k, v in data.items() if k in known})

    @staticmethod
    def decode(type_name: str, data: dict[str, Any]) -> "DomainEvent":
        try:
            cls = DomainEvent.registry[type_name]
        except KeyError:
            raise UnknownEventType(type_name) from None
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
