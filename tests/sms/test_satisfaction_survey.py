"""The satisfaction survey by text: when an agent's SMS conversation closes, the survey worker
asks once (a text through Twilio's REST API, here a server of the test's own); a reply of
nothing but 1 to 5 within the window is the rating, not a new message."""

from datetime import timedelta

import pytest

from contactcenter import clock
from contactcenter.csat import surveys
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from contactcenter.workers import registry
from routing import offers, router
from routing.models import Queue
from tests.routing.builders import a_queue, an_agent
from tests.settle import outbox_round, settle
from tests.twilio_api import a_channel
from tests.twilio_hooks import post, sms

pytestmark = pytest.mark.django_db(transaction=True)
HOOK = "/hooks/twilio/sms/"
CUSTOMER = "+15551230001"


@pytest.fixture
def line(api):
    a_queue("Support", entry="sms:*")
    return a_channel(api.url)


def a_finished_conversation(client) -> str:
    """A customer texts, an agent answers, ends and wraps up: the conversation is closed."""
    agent = an_agent(Queue.objects.get(name="Support"))
    post(client, HOOK, sms("Where is my parcel?", sender=CUSTOMER))
    router.route_once()
    row = Interaction.objects.get()
    offers.accept_offer(row.id, row.offer_id, agent.pk)
    offers.end_conversation(row.id, agent.pk)
    offers.wrap_up(row.id, agent.pk, disposition="resolved")
    return row.id


def survey_worker_and_outbox() -> None:
    """A round of each loop, once everything committed is readable to followers."""
    settle()
    surveys.run_once()
    outbox_round()


def types(interaction_id: str) -> list[str]:
    return [e.type for e in store.read_stream(stream_id(interaction_id))]


def test_a_closed_conversation_is_asked_once_by_text(client, api, line):
    interaction_id = a_finished_conversation(client)

    survey_worker_and_outbox()

    (question,) = api.posted("/Messages.json")
    assert question.field("To") == CUSTOMER
    assert question.field("Body").startswith("How did we do? Reply with a number from 1")
    assert types(interaction_id).count("CsatSurveySent") == 1
    # Asked again (a second worker, a replayed batch): nothing more is sent.
    assert surveys.ask(interaction_id) is False
    survey_worker_and_outbox()
    assert len(api.posted("/Messages.json")) == 1


def test_a_bare_digit_reply_rates_the_conversation_instead_of_reopening_it(client, api, line):
    interaction_id = a_finished_conversation(client)
    survey_worker_and_outbox()

    reply = sms(" 4 ", sender=CUSTOMER)
    response = post(client, HOOK, reply)

    assert response.status_code == 200
    assert "Thank you for rating us." in response.text
    row = Interaction.objects.get(pk=interaction_id)
    assert (row.state, row.csat_rating) == ("closed", 4)
    # Twilio delivers the same reply again: it is still one rating, and nothing reopens.
    assert post(client, HOOK, reply).status_code == 200
    assert types(interaction_id).count("CsatRated") == 1
    assert Interaction.objects.get(pk=interaction_id).state == "closed"


def test_words_or_a_late_digit_are_a_message_as_before(client, api, line):
    interaction_id = a_finished_conversation(client)
    survey_worker_and_outbox()

    with clock.travel(timedelta(hours=73)):  # past CSAT_SURVEY_WINDOW_HOURS (72)
        post(client, HOOK, sms("5", sender=CUSTOMER))

    assert "CsatRated" not in types(interaction_id)
    assert Interaction.objects.get(pk=interaction_id).state != "closed"  # reopened by it
    post(client, HOOK, sms("Great, thanks", sender=CUSTOMER))
    assert "CsatRated" not in types(interaction_id)


def test_a_digit_without_a_survey_is_an_ordinary_message(client, api, line, settings):
    settings.CSAT_SURVEY_CHANNELS = ["email"]
    interaction_id = a_finished_conversation(client)
    survey_worker_and_outbox()

    post(client, HOOK, sms("3", sender=CUSTOMER))

    assert "CsatSurveySent" not in types(interaction_id)
    assert Interaction.objects.get(pk=interaction_id).state != "closed"  # reopened


def test_the_survey_worker_is_one_of_the_registered_loops():
    assert "csat-surveys" in {w.name for w in registry.registered() if w.standalone}


def test_a_queue_can_turn_its_survey_off(client, api, line):
    Queue.objects.filter(name="Support").update(csat_survey=False)
    interaction_id = a_finished_conversation(client)

    survey_worker_and_outbox()

    assert "CsatSurveySent" not in types(interaction_id)
    assert api.posted("/Messages.json") == []
