"""The chat bench's last check of a run (bench/chat_rebuild.py): the run's log, replayed,
arrives at the rows the servers wrote."""

import pytest

from bench import chat_rebuild
from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import router
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


def a_few_chats() -> list[str]:
    queue = a_queue(entry="webchat:*")
    an_agent(queue, capacity_webchat=2)
    chats = [ingest(chat_message(visitor=f"w-{n}")).interaction_id for n in range(3)]
    router.route_once()
    return chats


def test_a_runs_log_that_rebuilds_to_its_rows_passes():
    a_few_chats()

    rebuilt = chat_rebuild.compare()

    assert rebuilt.ok
    assert rebuilt.events > 0
    assert "the rebuild changed none of the" in str(rebuilt)


def test_a_row_the_log_does_not_say_fails_the_run(capsys):
    first, *_ = a_few_chats()
    Interaction.objects.filter(pk=first).update(agent_id=None, state="drifted")

    rebuilt = chat_rebuild.compare()

    assert not rebuilt.ok
    assert "the rebuild changed 1 of" in rebuilt.said
    assert f"interactions.Interaction {first}: " in capsys.readouterr().out
