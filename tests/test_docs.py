"""docs/events.md lists every event type with every field, as the code declares them."""

import dataclasses
import re
from pathlib import Path

from contactcenter.events import projections
from contactcenter.events.types import DomainEvent

DOCS = Path(__file__).resolve().parent.parent / "docs"
OUR_PACKAGES = ("contactcenter.", "crm.", "routing.", "channels_adapters.", "outbound.")


def sections(markdown: str) -> dict[str, str]:
    """Each event type named in a '#### A, B' heading, with the text under that heading."""
    found = {}
    parts = re.split(r"^#### (.+)$", markdown, flags=re.MULTILINE)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        for name in heading.split(","):
            found[name.strip()] = body
    return found


def test_every_event_type_and_field_is_documented():
    projections.discover()  # imports every app's events
    documented = sections((DOCS / "events.md").read_text())
    ours = {
        name: cls
        for name, cls in DomainEvent.registry.items()
        if cls.__module__.startswith(OUR_PACKAGES)
    }

    missing_types = sorted(set(ours) - set(documented))
    assert not missing_types, f"docs/events.md lacks: {missing_types}"
    missing_fields = [
        f"{name}.{field.name}"
        for name, cls in ours.items()
        for field in dataclasses.fields(cls)
        if f"`{field.name}`" not in documented[name]
    ]
    assert not missing_fields, f"docs/events.md lacks fields: {missing_fields}"


def test_every_websocket_frame_type_is_documented():
    import inspect

    from channels_adapters.voice.media import webcall_socket as webcall
    from channels_adapters.webchat import audience
    from channels_adapters.webchat import consumers as visitor
    from contactcenter.console import consumers as agent
    from contactcenter.supervisor import consumers as supervisor

    documented = sections((DOCS / "websocket-protocol.md").read_text())
    missing = []
    for module, consumer in (
        (agent, agent.AgentConsumer),
        (visitor, visitor.VisitorConsumer),
        (supervisor, supervisor.SupervisorConsumer),
        (webcall, webcall.WebCallConsumer),
    ):
        requests = {name[3:] for name in dir(consumer) if name.startswith("on_")}
        sent = set(re.findall(r'"type": "([a-z_]+)"', inspect.getsource(module)))
        missing += sorted((requests | sent) - set(documented))
    sent = set(re.findall(r'"type": "([a-z_]+)"', inspect.getsource(audience)))
    missing += sorted(sent - set(documented))
    assert not missing, f"docs/websocket-protocol.md lacks: {missing}"
