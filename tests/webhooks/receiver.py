"""An integrator's endpoint of the test's own on 127.0.0.1: records every request, and fails
the first ones (or all) as told."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import local_http


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    fail_first: int = 0
    status_when_failing: int = 500
    always: int | None = None  # answer every request with this status
    requests: list[Request] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/contact-center"

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            if self.always is not None:
                status = self.always
            elif self.fail_first:
                self.fail_first -= 1
                status = self.status_when_failing
            else:
                status = 204
            self.requests.append(Request(headers, body, status))
            return status

    def accepted(self) -> list[dict]:
        return [r.event for r in self.requests if r.status < 300]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(**options) -> Receiver:
    receiver = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.answer(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    local_http.serve(receiver.server)
    return receiver
