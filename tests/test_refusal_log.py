"""A routine refusal (403, 400) is one line in the server's log, with its reason; a traceback is
kept for what is the server's fault (500)."""

import io
import logging

import pytest

from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_log():
    """What the server's console handler (settings.LOGGING) writes, for this test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_an_agent_refused_a_supervisor_page_is_one_line_with_the_reason(client, server_log):
    client.force_login(an_agent(a_queue("Support")))

    assert client.get("/supervisor/").status_code == 403

    lines = server_log.getvalue().splitlines()
    assert lines == [lines[0]] and "Forbidden (Permission denied): /supervisor/" in lines[0]
    assert "supervisors and team leads only" in lines[0]


def test_a_request_for_a_host_not_served_is_one_line(client, server_log):
    assert client.get("/console/", HTTP_HOST="elsewhere.example").status_code == 400

    lines = server_log.getvalue().splitlines()
    assert len(lines) == 1 and "Invalid HTTP_HOST header: 'elsewhere.example'" in lines[0]


def test_a_server_error_keeps_its_traceback():
    from contactcenter.refusal_log import RoutineRefusals

    try:
        raise RuntimeError("a bug")
    except RuntimeError as error:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/x",),
            (type(error), error, error.__traceback__),
        )
    record.status_code = 500

    assert RoutineRefusals().filter(record)
    assert record.exc_info is not None
