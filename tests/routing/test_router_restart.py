"""A router killed with SIGKILL loses nothing: timers are rows, so another router times out
every outstanding offer and routes the work again. Real processes, real PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import presence
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def start_router(name: str) -> subprocess.Popen:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "contactcenter.settings"}
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_router",
            "--name",
            name,
            "--no-outbox",
            "--no-projections",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def eventually(condition, what: str, patience: float = 60.0):
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def offered(ids, agent_id):
    return Interaction.objects.filter(
        pk__in=ids, state="offered", offer_agent_id=agent_id
    ).count() == len(ids)


def test_offers_outstanding_when_a_router_is_killed_still_time_out_and_reroute():
    queue = a_queue(offer_timeout_seconds=5)
    first = an_agent(queue, capacity_webchat=3)
    second = an_agent(queue, capacity_webchat=3, available=False)
    chats = [ingest(chat_message()).interaction_id for _ in range(3)]

    doomed = start_router("doomed")
    try:
        eventually(lambda: offered(chats, first.pk), "the first router's offers")
    except AssertionError as error:
        doomed.send_signal(signal.SIGKILL)
        raise AssertionError(
            f"{error}; the router said:\n{doomed.stderr.read().decode()}"
        ) from None
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
    presence.set_presence(second.pk, "available")

    survivor = start_router("survivor")
    try:
        eventually(lambda: offered(chats, second.pk), "the offers to time out and re-route")
    finally:
        survivor.terminate()
        _, errors = survivor.communicate(timeout=30)
    assert survivor.returncode == 0, errors.decode()
    for chat in chats:
        row = Interaction.objects.get(pk=chat)
        assert row.declined_by == [first.pk]
