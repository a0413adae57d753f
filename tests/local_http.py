"""The providers' fakes in the tests (Twilio, Slack, an ESP, a webhook receiver, a customer's
website…) are HTTP servers on 127.0.0.1, each served from a thread of the test's process."""

import threading
from socketserver import BaseServer

# `serve_forever` notices `shutdown()` only between polls — every half second by default, which
# every test with a fake paid once more at its end.
POLL_SECONDS = 0.02


def serve[S: BaseServer](server: S) -> S:
    """Serve `server` from a daemon thread until its `shutdown()`; returns it."""
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    ).start()
    return server
