"""A Web API server of the test's own on 127.0.0.1 that answers as Slack does: the real
slack-sdk WebClient talks to it over HTTP. Answers can be scripted (a rate limit, an error)."""

import itertools
import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests import local_http


@dataclass
class Call:
    method: str  # chat.postMessage, …
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeSlack:
    server: ThreadingHTTPServer | None = None
    calls: list[Call] = field(default_factory=list)
    scripted: list[tuple[int, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    # Files the customer's workspace shares, by path, served as files.slack.com serves
    # url_private: to the bot's token only.
    files: dict[str, bytes] = field(default_factory=dict)
    file_requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Authorization)
    _ts = itertools.count(1)

    @property
    def files_base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def answer_next(self, status: int, body: dict[str, Any], **headers: str) -> None:
        """The next call gets this answer instead of success."""
        self.scripted.append((status, {k.replace("_", "-"): v for k, v in headers.items()}, body))

    def posted(self) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.method == "chat.postMessage"]

    def respond(self, method: str, body: dict[str, Any], headers: dict[str, str]):
        self.calls.append(Call(method, body, headers))
        if self.scripted:
            return self.scripted.pop(0)
        if not headers.get("Authorization", "").startswith("Bearer xoxb-"):
            return 200, {}, {"ok": False, "error": "not_authed"}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            channel = body["channel"]
            if channel.startswith("U"):  # a user id: Slack opens the app's DM with them
                channel = "D" + channel[1:]
            return (
                200,
                {},
                {"ok": True, "channel": channel, "ts": ts, "message": {**body, "ts": ts}},
            )
        return 200, {}, {"ok": False, "error": "unknown_method"}


def start() -> FakeSlack:
    fake = FakeSlack()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            auth = self.headers.get("Authorization", "")
            fake.file_requests.append((self.path, auth))
            content = fake.files.get(self.path)
            if content is None or auth != "Bearer xoxb-test-token":
                self.send_response(404 if content is None else 302)
                if content is not None:  # Slack sends the unauthorised to its login page
                    self.send_header("Location", "/login")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            try:
                body = json.loads(raw) if raw.startswith("{") else {}
            except ValueError:
                body = {}
            status, headers, answer = fake.respond(
                self.path.rsplit("/", 1)[-1], body, dict(self.headers.items())
            )
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    local_http.serve(fake.server)
    return fake
