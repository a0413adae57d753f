"""A business's own system on 127.0.0.1 over HTTPS, for lookup steps to ask: a self-signed
certificate made for the test (the lookup trusts it as its private CA), and answers a test
queues up — fine, slow, failing, malformed. It records every request it gets."""

import datetime
import ipaddress
import json
import ssl
import tempfile
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests import local_http


@dataclass
class Answer:
    status: int = 200
    body: bytes | dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


def self_signed() -> tuple[str, str]:
    """(certificate PEM, key PEM) for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "orders.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


class BusinessSystem:
    def __init__(self, default: Answer | None = None):
        self.certificate, key = self_signed()
        self.default = default or Answer(200, {})
        self.queued: list[Answer] = []
        self.received: list[Received] = []
        self._server = self._start(key)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}/lookup/orders"

    def answer_next(self, *answers: Answer) -> None:
        self.queued.extend(answers)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _start(self, key_pem: str) -> ThreadingHTTPServer:
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                system.received.append(Received(dict(self.headers), body))
                answer = system.queued.pop(0) if system.queued else system.default
                time.sleep(answer.delay)
                data = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body)
                data = data.encode() if isinstance(data, str) else data
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass  # the caller gave up waiting

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as folder:
            cert, key = Path(folder, "cert.pem"), Path(folder, "key.pem")
            cert.write_text(self.certificate)
            key.write_text(key_pem)
            context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        local_http.serve(server)
        return server
