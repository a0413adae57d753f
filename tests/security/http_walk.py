"""Every HTTP route the URL resolver knows, and one request per route and role, answered by the
real views in-process. Each request runs in a savepoint that is rolled back, so every column
meets the same world."""

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core import signing
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from channels_adapters.email.models import AttachmentRef
from channels_adapters.webchat import transcripts
from contactcenter.api.models import ApiToken
from contactcenter.csat import links
from routing import offers
from tests.security.world import ADMIN, PRE_CHAT_EMAIL, World
from tests.sockets import session_cookie

ADMIN_ROUTE = "/admin/…"


def routes() -> dict[str, set[str]]:
    """Each route as docs/security.md writes it (`/api/v1/interactions/{pk}/`) with the
    methods it must have a row for: a REST viewset's mapped methods, else any one ("*").
    Django admin is one entry: the admin site guards every page of its own."""
    found: dict[str, set[str]] = {}
    for prefix, pattern in _walk(get_resolver().url_patterns, ""):
        if pattern is None:
            found[ADMIN_ROUTE] = {"*"}
            continue
        route = _route(prefix + str(pattern.pattern))
        if route is None:
            continue
        actions = getattr(pattern.callback, "actions", None)
        methods = {m.upper() for m in actions or {"*": None}} - {"HEAD"}  # HEAD is GET's
        found.setdefault(route, set()).update(methods)
    return found


def _walk(patterns, prefix: str):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                yield prefix + str(entry.pattern), None
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix, entry


def _route(pattern: str) -> str | None:
    if "format" in pattern:
        return None  # a REST route's `.json` twin: same view, same rules
    if pattern == "api/^":
        return "/api/{rest}"  # the JSON 404 for any other /api/ path
    route = pattern.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + route


@dataclass(frozen=True)
class Request:
    body: dict[str, Any] | None = None
    given: str = ""  # a World method that puts the subject in the state the row needs
    json: bool = True


def fill(route: str, column: str, world: World, kind: str) -> str:
    """The route with its parameters: what each column is asked about (docs/security.md)."""
    subject = world.subject(column, kind)
    values = {
        "interaction_id": subject,
        "evaluation_id": world.evaluation,
        "kind": "interval",
        "key": "demo",
        "token": signing.dumps({"i": subject, "to": PRE_CHAT_EMAIL}, salt=transcripts.LINK_SALT),
        "uidb64": "MQ",
        "esp": "postmark",
        "action": "hold",
        "index": "0",  # a call's first recording (channels/voice/recordings/)
        "media_id": "1003383421387256",  # a WhatsApp photo no conversation here holds
        "rest": "v0/nothing/",
        "slug": "no-such-article",  # the world has no knowledge base: every article is a 404
        "article_id": "none",
        "storage_key": AttachmentRef.objects.filter(interaction_id=subject)
        .values_list("storage_key", flat=True)
        .first()
        or "none",
        # No schedule or dial attempt exists in the world: what is asked is whether the role
        # gets past the door (403 before 404), not the page's content.
        "schedule_id": "none",
        "attempt_id": "none",
        "calibration_id": "none",
        "coaching_id": "none",
        "rule_id": "0",
        "customer_id": world.customer_of(subject),
    }
    if route.startswith("/api/v1/customers/"):
        values["pk"] = world.customer_of(subject)
    elif route.startswith("/api/v1/agents/"):
        values["pk"] = world.alice.pk
    elif route.startswith("/api/v1/queues/"):
        values["pk"] = world.support.pk
    else:
        values["pk"] = subject
    if route.startswith("/accounts/reset/"):
        values["token"] = "set-password"
    elif route.startswith("/csat/"):
        values["token"] = links.token(subject, 4)
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), route)


class Callers:
    """A fresh client per request (a logout must not end the next request's session), logged
    in by a session made once per person; on /api/ a person calls with their API token."""

    def __init__(self, world: World):
        self.world = world
        self.cookies = {c: session_cookie(u).decode() for c, u in world.people.items() if u}
        # Every scope: a row then says what the person may do (privacy also needs their
        # own permission), not what a narrower token was refused.
        self.tokens = {
            c: _token(u, scopes="read,write,privacy") for c, u in world.people.items() if u
        }

    def client(self, column: str, route: str, *, session: bool = False) -> Client:
        if self.world.people[column] is None:
            return Client()
        if route.startswith("/api/") and not session:
            return Client(HTTP_AUTHORIZATION=f"Token {self.tokens[column]}")
        client = Client()
        name, value = self.cookies[column].split("=", 1)
        client.cookies[name] = value
        return client


def _token(user, **rights) -> str:
    token = ApiToken(name=f"{user.username}'s script {uuid.uuid4().hex[:6]}", user=user, **rights)
    key = token.issue()
    token.save()
    return key


def ask(callers: Callers, key: str, column: str, request: Request, **client) -> str:
    """One cell: the outcome of `key` ("POST /path/{pk}/") for `column`, rolled back after."""
    method, route = key.split(" ", 1)
    world = callers.world
    kind = "offered" if route.endswith(("/accept/", "/reject/")) else "held"
    with transaction.atomic():
        if request.given:
            getattr(Givens(world), request.given)(column)
        path = fill(route, column, world, kind)
        data = {k: v(world) if callable(v) else v for k, v in (request.body or {}).items()}
        caller = callers.client(column, route, **client)
        if method == "GET":
            response = caller.get(path, data)
        elif request.json:
            response = caller.generic(method, path, _json(data), "application/json")
        else:
            response = caller.generic(
                method, path, _form(data), "application/x-www-form-urlencoded"
            )
        transaction.set_rollback(True)
    return outcome(response)


def outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return "admin login"
        if location.startswith(settings.LOGIN_URL):
            return "login"
    return str(response.status_code)


class Givens:
    """Preconditions a row names in `Request.given`."""

    def __init__(self, world: World):
        self.world = world

    def in_wrap_up(self, column: str) -> None:
        if column != "agent, handed off":
            offers.end_conversation(self.world.held, self.world.alice.pk)


def admin_pages() -> list[str]:
    return ["/admin/"] + [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    ]


def ask_admin(callers: Callers, column: str) -> str:
    """Every admin page's outcome for `column`, which must be one and the same."""
    seen = {path: outcome(callers.client(column, path).get(path)) for path in admin_pages()}
    answers = set(seen.values())
    assert len(answers) == 1 or column == ADMIN, f"{column}: {seen}"
    return answers.pop() if len(answers) == 1 else str(seen)


def _json(data: dict) -> str:
    import json

    return json.dumps(data)


def _form(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def with_credential(world: World, credential: str) -> Client:
    """A client holding one kind of credential of docs/security.md's "API credentials"."""
    from tests.security.world import QUEUE, SUPERVISOR, USER

    bob, people = world.people[QUEUE], world.people
    headers = {
        "none": None,
        "unknown token": "cc_not-a-real-key",
        "revoked token": _token(bob, revoked=True),
        "token of a user with no role": _token(people[USER]),
        "agent's token": _token(bob),
        "agent's token allowed the event feed": _token(bob, can_read_events=True),
        "supervisor's token": _token(people[SUPERVISOR]),
    }
    if credential == "agent's session":
        client = Client()
        client.force_login(bob)
        return client
    key = headers[credential]
    return Client(HTTP_AUTHORIZATION=f"Token {key}") if key else Client()
