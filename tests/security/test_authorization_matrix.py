"""docs/security.md's matrix holds: every route the URL resolver knows and every request type
of every socket has a row, and each row's outcome for each role is what the code answers."""

import pytest
from channels.db import database_sync_to_async as sync_to_async

from channels_adapters.webchat import consumers
from channels_adapters.webchat.consumers import VisitorConsumer
from contactcenter.console.consumers import AgentConsumer
from contactcenter.supervisor.consumers import SupervisorConsumer
from tests.security import http_walk, security_doc, socket_walk
from tests.security.http_walk import Request
from tests.security.socket_walk import VISITOR_ROWS
from tests.security.world import HOLDING, build

# A Twilio webhook's form for the world's number, without Twilio's signature.
TWILIO = {"To": "+15005550006", "From": "+15005550001", "MessageSid": "SM1", "CallSid": "CA1"}

TWILIO_HOOKS = ("sms/", "sms/status/", "voice/", "voice/status/", "voice/wait/", "voice/key/")
TWILIO_HOOKS += ("voice/dial/", "voice/survey/", "voice/recording/", "voice/transcription/")
TWILIO_HOOKS += ("voice/outbound/",)
TWILIO_HOOKS += ("dialer/answer/", "dialer/status/", "dialer/amd/")

# What the walk sends where a row needs more than a bare request.
REQUESTS = {
    "POST /accounts/login/": Request({"username": "nobody", "password": "x"}, json=False),
    "POST /accounts/logout/": Request(json=False),
    "POST /widget/session/": Request({"channel": "demo"}),
    "GET /channels/sms/consent/": Request({"number": "+15005550001"}),
    "GET /channels/sms/segments/": Request({"text": "Hello"}),
    "POST /hooks/slack/events/": Request({"type": "event_callback", "team_id": "T1"}),
    "POST /hooks/slack/interactions/": Request(
        {"payload": '{"type": "block_actions", "team": {"id": "T1"}}'}, json=False
    ),
    "POST /hooks/email/{esp}/inbound/": Request({"MessageID": "1", "To": "help@example.com"}),
    **{f"POST /hooks/twilio/{path}": Request(TWILIO, json=False) for path in TWILIO_HOOKS},
    "POST /api/v1/interactions/": Request(
        {
            "channel": "webchat",
            "channel_key": "demo",
            "identity": {"kind": "web", "address": "new-visitor"},
            "text": "Hello from us",
        }
    ),
    "POST /api/v1/interactions/{pk}/messages/": Request({"text": "Hello"}),
    "POST /api/v1/interactions/{pk}/transfer/": Request(
        {"kind": "queue", "to_queue": lambda world: world.billing.pk}
    ),
    "POST /api/v1/interactions/{pk}/wrap-up/": Request(
        {"disposition": "resolved"}, given="in_wrap_up"
    ),
    "POST /api/v1/interactions/{pk}/close/": Request({"reason": "spam"}),
    "POST /api/v1/agents/{pk}/presence/": Request({"presence": "away", "reason": "break"}),
    "POST /help/api/feedback/": Request(
        {"visit": "6f1b2c1e-0000-4000-8000-000000000001", "article_id": "none", "helpful": True}
    ),
    "POST /help/api/escalated/": Request({"visit": "6f1b2c1e-0000-4000-8000-000000000002"}),
    "POST /help/{slug}/rate/": Request({"helpful": "yes"}, json=False),
    "GET /knowledge/search/": Request({"q": "password"}),
    # who may send a file into the conversation, asked without a file (a 400 once allowed)
    "POST /console/attachments/": Request({"interaction_id": lambda world: world.held}, json=False),
}


@pytest.fixture
def world(db):
    return build()


def http_rows() -> dict[str, dict[str, str]]:
    pages = security_doc.table("Pages and HTTP endpoints").rows
    return {**pages, **security_doc.table("REST API").rows}


def test_every_route_has_a_row_and_every_row_a_route():
    rows = http_rows()
    documented: dict[str, set[str]] = {}
    for key in rows:
        method, route = key.split(" ", 1)
        documented.setdefault(route, set()).add(method)
    missing = []
    for route, methods in http_walk.routes().items():
        have = documented.pop(route, set())
        missing += [f"{m} {route}" for m in methods - {"*"} - have]
        if "*" in methods and not have:
            missing.append(f"* {route}")
    assert not missing, f"docs/security.md has no row for: {missing}"
    assert not documented, f"docs/security.md has rows for no route: {sorted(documented)}"


def test_pages_and_http_endpoints_answer_each_role_as_documented(world):
    table = security_doc.table("Pages and HTTP endpoints")
    callers = http_walk.Callers(world)
    actual = {}
    for key in table.rows:
        if key.endswith(http_walk.ADMIN_ROUTE):
            actual[key] = {c: http_walk.ask_admin(callers, c) for c in table.columns}
        else:
            request = REQUESTS.get(key, Request())
            actual[key] = {c: http_walk.ask(callers, key, c, request) for c in table.columns}
    wrong = security_doc.mismatches(table, actual)
    assert not wrong, "docs/security.md should read:\n" + "\n".join(wrong)


def test_the_rest_api_answers_each_role_as_documented_by_token_and_by_session(world):
    table = security_doc.table("REST API")
    callers = http_walk.Callers(world)
    actual, by_session = {}, {}
    for key in table.rows:
        request = REQUESTS.get(key, Request())
        actual[key] = {c: http_walk.ask(callers, key, c, request) for c in table.columns}
        if key.startswith("GET "):
            by_session[key] = {
                c: http_walk.ask(callers, key, c, request, session=True) for c in table.columns
            }
    wrong = security_doc.mismatches(table, actual)
    assert not wrong, "docs/security.md should read:\n" + "\n".join(wrong)
    assert not security_doc.mismatches(table, by_session)


SOCKETS = {
    "/ws/agent/": (AgentConsumer, socket_walk.AGENT_ROWS),
    "/ws/supervisor/": (SupervisorConsumer, socket_walk.SUPERVISOR_ROWS),
    "/ws/webchat/": (VisitorConsumer, socket_walk.VISITOR_ROWS),
}


@pytest.mark.parametrize("path", SOCKETS)
def test_every_request_a_socket_handles_has_a_row(path):
    consumer, walked = SOCKETS[path]
    handled = {name[3:] for name in dir(consumer) if name.startswith("on_")}
    documented = set(security_doc.table(f"`{path}`").rows) - {"connect"}

    assert handled == documented, f"docs/security.md, {path}: rows differ from the handlers"
    assert handled == set(walked) - {"connect"}, f"{path}: the walk misses a request type"


@pytest.fixture
def in_memory_layer(settings):
    """Group memberships are read off the layer: the in-memory one, whatever CI configures."""
    settings.CHANNEL_LAYERS = socket_walk.IN_MEMORY
    consumers._transcripts_per_ip.clear()
    yield
    consumers._transcripts_per_ip.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/agent/", "/ws/supervisor/"])
async def test_staff_sockets_answer_each_role_as_documented_and_subscribe_only_after(
    path, in_memory_layer
):
    world = await sync_to_async(build)()
    table = security_doc.table(f"`{path}`")
    sockets = socket_walk.StaffSockets(path)
    await sockets.connect(world)
    actual = {"connect": dict(sockets.connected)}
    # The agent it is about goes last: what they may do changes it.
    order = [c for c in table.columns if c != HOLDING] + [HOLDING]
    for kind, row in SOCKETS[path][1].items():
        outcomes = {c: await sockets.ask(world, c, kind, row) for c in order}
        actual[kind] = {c: outcomes[c] for c in table.columns}
    await sockets.close()
    wrong = security_doc.mismatches(table, actual)
    assert not wrong, "docs/security.md should read:\n" + "\n".join(wrong)


@pytest.mark.django_db(transaction=True)
async def test_the_widget_socket_reaches_only_its_own_conversation(in_memory_layer):
    world = await sync_to_async(build)()
    table = security_doc.table("`/ws/webchat/`")
    actual = {
        kind: {c: await socket_walk.visitor_cell(world, c, kind, row) for c in table.columns}
        for kind, row in VISITOR_ROWS.items()
    }
    wrong = security_doc.mismatches(table, actual)
    assert not wrong, "docs/security.md should read:\n" + "\n".join(wrong)


def test_the_api_credentials_are_what_the_document_says(world):
    table = security_doc.table("API credentials")
    actual = {
        credential: {
            key: http_walk.outcome(
                http_walk.with_credential(world, credential).get(key.split(" ", 1)[1])
            )
            for key in table.columns
        }
        for credential in table.rows
    }
    wrong = security_doc.mismatches(table, actual)
    assert not wrong, "docs/security.md should read:\n" + "\n".join(wrong)
