"""A stand-in for Twilio's REST API on 127.0.0.1, for twilio's real client to talk to: it
records each request (path, form fields, auth) and answers with Twilio-shaped JSON, or with a
Twilio error document and the status a test asks for."""

import base64
import itertools
import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from channels_adapters.twilio.models import TwilioChannel
from tests import local_http

TOKEN = "test-auth-token-1234"
ACCOUNT = "AC" + "1" * 32
NUMBER = "+15005550006"


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, list[str]]
    account: str  # from HTTP basic auth

    def field(self, name: str) -> str:
        return self.form.get(name, [""])[0]


@dataclass
class TwilioApi:
    requests: list[Request] = field(default_factory=list)
    fail_with: int | None = None  # answer every request with this HTTP status
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                auth = self.headers.get("Authorization", "")
                user = base64.b64decode(auth.split()[-1]).decode().split(":")[0] if auth else ""
                api.requests.append(Request("POST", self.path, form, user))
                status, body = api.answer(self.path, form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        local_http.serve(server)
        return server, f"http://127.0.0.1:{server.server_address[1]}"

    def answer(self, path: str, form: dict) -> tuple[int, dict]:
        if self.fail_with:
            return self.fail_with, {
                "code": 21211 if self.fail_with < 500 else 20500,
                "message": "The 'To' number is not a valid phone number."
                if self.fail_with < 500
                else "An internal server error has occurred",
                "more_info": "https://www.twilio.com/docs/errors/21211",
                "status": self.fail_with,
            }
        n = next(self._ids)
        if path.endswith("/Messages.json"):
            return 201, {
                "sid": f"SM{n:032d}",
                "account_sid": ACCOUNT,
                "to": form["To"][0],
                "from": form["From"][0],
                "body": form.get("Body", [""])[0],
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/SM{n:032d}.json",
            }
        if path.endswith("/Calls.json"):
            return 201, {
                "sid": f"CA{n:032d}",
                "account_sid": ACCOUNT,
                "to": form["To"][0],
                "from": form["From"][0],
                "status": "queued",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
            }
        sid = path.rsplit("/", 1)[-1].removesuffix(".json")
        return 200, {"sid": sid, "account_sid": ACCOUNT, "status": "in-progress"}

    def posted(self, suffix: str) -> list[Request]:
        return [r for r in self.requests if r.path.endswith(suffix)]


def a_channel(base_url: str = "", **fields) -> TwilioChannel:
    return TwilioChannel.objects.create(
        **{
            "name": "Test line",
            "phone_number": NUMBER,
            "account_sid": ACCOUNT,
            "auth_token": TOKEN,
            "api_base_url": base_url,
            **fields,
        }
    )


@pytest.fixture
def api():
    """Twilio's REST API, as a server of the test's own on 127.0.0.1 (conftests import this
    fixture where their tests talk to Twilio)."""
    api = TwilioApi()
    server, url = api.serve()
    api.url = url
    yield api
    server.shutdown()
