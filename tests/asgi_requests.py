"""An HTTP request to the real ASGI application, as Daphne hands it one."""

from asgiref.testing import ApplicationCommunicator

from contactcenter.asgi import application


def http_request(
    method: str, path: str, headers: list[tuple[bytes, bytes]]
) -> ApplicationCommunicator:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    return ApplicationCommunicator(application, scope)


async def http_response(communicator: ApplicationCommunicator) -> tuple[int, bytes]:
    """The status and the whole body of the answer."""
    start = await communicator.receive_output(timeout=10)
    assert start["type"] == "http.response.start", start
    body = b""
    while True:
        part = await communicator.receive_output(timeout=10)
        body += part.get("body", b"")
        if not part.get("more_body"):
            return start["status"], body
