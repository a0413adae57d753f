"""An agent's console settings: what Enter does in the composer, the offer's ring, desktop
notifications. Validation is pure; reading and saving are two small functions."""

from dataclasses import asdict, dataclass
from typing import Any

RING_SOUNDS = ("chime", "bell", "pulse", "none")


class InvalidSettings(ValueError):
    pass


@dataclass(frozen=True)
class Preferences:
    enter_sends: bool = True
    ring_sound: str = "chime"
    desktop_notifications: bool = True


def parse(body: Any, current: Preferences) -> Preferences:
    """A partial update from the console, checked field by field."""
    if not isinstance(body, dict):
        raise InvalidSettings("send a JSON object")
    unknown = set(body) - set(asdict(current))
    if unknown:
        raise InvalidSettings(f"unknown settings: {', '.join(sorted(unknown))}")
    for name in ("enter_sends", "desktop_notifications"):
        if name in body and not isinstance(body[name], bool):
            raise InvalidSettings(f"{name} is true or false")
    if "ring_sound" in body and body["ring_sound"] not in RING_SOUNDS:
        raise InvalidSettings(f"ring_sound is one of {', '.join(RING_SOUNDS)}")
    return Preferences(**{**asdict(current), **body})


def load(user_id: int) -> Preferences:
    from contactcenter.inbox.models import AgentSettings

    row = AgentSettings.objects.filter(pk=user_id).first()
    if row is None:
        return Preferences()
    return Preferences(row.enter_sends, row.ring_sound, row.desktop_notifications)


def save(user_id: int, preferences: Preferences) -> None:
    from contactcenter.inbox.models import AgentSettings

    AgentSettings.objects.update_or_create(user_id=user_id, defaults=asdict(preferences))
