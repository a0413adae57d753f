"""`manage.py serve` is Daphne; what it changes of the libraries under it."""

import pprint

from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from twisted.internet.testing import StringTransport

from contactcenter.management.commands import serve


def test_a_websocket_connection_pretty_prints_autobahns_settings_only_for_a_debug_log(
    monkeypatch,
):
    """autobahn pretty-printed its settings at every connection for a debug line nobody
    logged: 1.3 % of a chat's server CPU (issue 18)."""
    serve.format_config_dumps_lazily()
    printed = []
    pretty = pprint.PrettyPrinter.pformat

    def counted(self, value):
        printed.append(value)
        return pretty(self, value)

    monkeypatch.setattr(pprint.PrettyPrinter, "pformat", counted)
    factory = WebSocketServerFactory()
    factory.protocol = WebSocketServerProtocol  # as Daphne's protocol is, on Twisted
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(StringTransport())
    assert printed == []

    # Where it is logged, it is the same dump.
    from autobahn.websocket import protocol as module

    dump = module.pformat([("openHandshakeTimeout", 5, "WebSocketServerFactory")])
    assert f"{dump}" == pprint.pformat([("openHandshakeTimeout", 5, "WebSocketServerFactory")])
