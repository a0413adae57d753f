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
    serve.format_debug_lines_lazily()
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


def test_a_websocket_frame_sent_or_read_colours_no_debug_line_nobody_logs(monkeypatch):
    """autobahn coloured a function's name, the peer and the length with click for a debug
    line at every frame it sent and read, logged or not: 2.8 % of a chat's server CPU in
    the phase profile (issue 18)."""
    from autobahn import util

    serve.format_debug_lines_lazily()
    coloured = []
    hl = util.hl

    def counted(text, *args, **kwargs):
        coloured.append(text)
        return hl(text, *args, **kwargs)

    monkeypatch.setattr(util, "hl", counted)
    factory = WebSocketServerFactory()
    factory.protocol = WebSocketServerProtocol
    protocol = factory.buildProtocol(None)
    transport = StringTransport()
    protocol.makeConnection(transport)
    protocol.dataReceived(b"GET / HTTP/1.1\r\n")
    protocol.sendData(b"a frame")
    assert transport.value().endswith(b"a frame")
    assert coloured == []

    # Where a line is logged, it reads as before.
    from autobahn.twisted import websocket
    from autobahn.websocket import protocol as module

    line = "{func} sent {data_len} bytes for peer {peer}"
    assert line.format(
        func=module.hltype(module.WebSocketProtocol.sendData),
        data_len=module.hlval(7),
        peer=websocket.hlval("tcp4:127.0.0.1:5555"),
    ) == line.format(
        func=util.hltype(module.WebSocketProtocol.sendData),
        data_len=util.hlval(7),
        peer=util.hlval("tcp4:127.0.0.1:5555"),
    )


def test_autobahns_timings_still_print_as_text_with_its_dumps_made_lazily():
    """Its `Timings.__str__` returns `pformat(...)`, which the lazy dump replaced with an
    object that is not a str: printing a connection's timings (autobahn's `trackTimings`)
    raised TypeError. Found in review, not in a run: the option is off by default."""
    from autobahn.websocket.protocol import Timings

    serve.format_debug_lines_lazily()
    timings = Timings()
    timings.track("onOpen")

    assert str(timings).startswith("{'onOpen': ")


def test_a_requests_content_type_is_parsed_by_the_email_package_once_per_value(monkeypatch):
    """Twisted made an `EmailMessage` for the Content-Type of every POST it read: 7.8 % of
    the web chat's token request (issue 18)."""
    import email.message

    from twisted.web import http

    made = []
    message = email.message.EmailMessage

    class Counted(message):
        def __init__(self, *args, **kwargs):
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(http, "_parseContentType", http._parseContentType)  # put back after
    monkeypatch.setattr(http, "EmailMessage", Counted)
    serve.parse_content_types_once()
    serve.parse_content_types_once()  # twice: still one cache

    for _ in range(3):
        channel = http.HTTPChannel()
        channel.makeConnection(StringTransport())
        request = http.Request(channel)
        request.requestHeaders.setRawHeaders(
            b"content-type", [b"application/x-www-form-urlencoded"]
        )
        request.gotLength(9)
        request.content.write(b"Body=hi&x")
        request.requestReceived(b"POST", b"/sms/", b"HTTP/1.1")
        assert request.args == {b"Body": [b"hi"]}

    assert len(made) == 1
    assert http._parseContentType(b"application/json; charset=utf-8") == b"application/json"
