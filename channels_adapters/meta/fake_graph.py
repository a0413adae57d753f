"""A local stand-in for the Graph API on 127.0.0.1, answering as Meta documents: POST
/{version}/{id}/messages (WhatsApp's {"messages": [{"id": "wamid…"}]} or the Send API's
{"recipient_id", "message_id"}), GET /{version}/{media-id} (the media's URL and type) and the
media itself. Tests script refusals; the demo tenant points its channels here:

    python -m channels_adapters.meta.fake_graph --port 8765
"""

import argparse
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MEDIA_BYTES = b"\xff\xd8\xff\xe0 a JPEG, as far as the console can tell"


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeGraph:
    server: ThreadingHTTPServer | None = None
    calls: list[Call] = field(default_factory=list)
    scripted: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer_next(self, status: int, body: dict[str, Any]) -> None:
        """The next call gets this answer instead of success."""
        self.scripted.append((status, body))

    def sent(self) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.method == "POST" and c.path.endswith("/messages")]

    def respond(self, method: str, path: str, body: dict, headers: dict) -> tuple[int, Any]:
        self.calls.append(Call(method, path, body, headers))
        if self.scripted:
            return self.scripted.pop(0)
        if not headers.get("Authorization", "").startswith("Bearer "):
            return 401, {"error": {"message": "no access token", "code": 190}}
        n = next(self._ids)
        if method == "POST" and path.endswith("/messages"):
            if body.get("messaging_product") == "whatsapp":
                wa_id = str(body.get("to", ""))
                return 200, {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": wa_id, "wa_id": wa_id}],
                    "messages": [{"id": f"wamid.FAKE{n:08d}"}],
                }
            return 200, {"recipient_id": body["recipient"]["id"], "message_id": f"m_FAKE{n:08d}"}
        if method == "GET" and path.startswith("/media/"):
            return 200, MEDIA_BYTES
        if method == "GET":
            media_id = path.rstrip("/").rsplit("/", 1)[-1]
            return 200, {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/media/{media_id}",
                "mime_type": "image/jpeg",
                "sha256": "0" * 64,
                "file_size": len(MEDIA_BYTES),
                "id": media_id,
            }
        return 404, {"error": {"message": "unknown path", "code": 100}}


def start(host: str = "127.0.0.1", port: int = 0) -> FakeGraph:
    fake = FakeGraph()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            status, answer = fake.respond(method, self.path, body, dict(self.headers.items()))
            raw = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            kind = "image/jpeg" if isinstance(answer, bytes) else "application/json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):
            self._answer("GET")

        def do_POST(self):
            self._answer("POST")

        def log_message(self, *args):
            pass

    fake.server = ThreadingHTTPServer((host, port), Handler)
    # Poll for shutdown() every 20 ms, not the default half second that each test would wait.
    serving = {"poll_interval": 0.02}
    threading.Thread(target=fake.server.serve_forever, kwargs=serving, daemon=True).start()
    return fake


def main() -> None:  # pragma: no cover - the demo's helper
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    fake = start(port=parser.parse_args().port)
    print(f"fake Graph API on {fake.base_url}; Ctrl+C stops it")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.server.shutdown()


if __name__ == "__main__":
    main()
