"""A local stand-in for an OpenAI-compatible server: answers POST /v1/chat/completions with
the documented response shape and keeps every request it got."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import local_http


class FakeChatCompletions:
    def __init__(self, reply: str = "Here is what to do.", status: int = 200):
        self.reply, self.status, self.requests = reply, status, []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                fake.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization", ""),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                body = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "model": "local",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": fake.reply},
                            "finish_reason": "stop",
                        }
                    ],
                }
                payload = json.dumps(body if fake.status == 200 else {"error": "x"}).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        local_http.serve(self.server)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
