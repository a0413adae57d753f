"""schemathesis against /api/schema/: whatever it sends, no 5xx, and every answer matches the
schema (status codes, content types, bodies)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import chat_on, client_for, offered_to_and_accepted

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The schema view needs no database: it is loaded once, at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def token(db, sam, alice):
    """A supervisor's token, and some interactions for the operations to find."""
    chat = chat_on("support-site", "fuzz me")
    offered_to_and_accepted(chat, alice)
    chat_on("billing-site", "and me")
    # The WSGI handler closes the connection between requests; inside the test's transaction
    # it must not (Django's own test client holds these signals off the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield client_for(sam, can_read_events=True)._credentials["HTTP_AUTHORIZATION"]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_never_fails_and_always_answers_as_documented(case, token):
    if case.query and "wait" in case.query:
        case.query["wait"] = 0  # long-polling is tested on its own; here it only slows
    case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)
