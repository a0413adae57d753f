"""The satisfaction survey in Slack: when an agent's conversation closes, the customer's thread
gets the question with five Block Kit buttons; a click comes back signed to the interactivity
endpoint as `block_actions` and becomes the rating, once."""

import copy

import pytest

from contactcenter.csat import surveys
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.settle import outbox_round, settle
from tests.slack.payloads import block_actions, envelope, message, post_click, post_event

pytestmark = pytest.mark.django_db(transaction=True)


def a_finished_conversation(client, agent) -> tuple[Interaction, dict]:
    first = message("My invoice is wrong")
    post_event(client, envelope(first))
    router.route_once()
    row = Interaction.objects.get()
    offers.accept_offer(row.id, row.offer_id, agent.pk)
    offers.end_conversation(row.id, agent.pk)
    offers.wrap_up(row.id, agent.pk, disposition="resolved")
    return row, first


def asked(client, fake, alice) -> tuple[Interaction, dict, dict]:
    """The conversation closed and the survey went out: (row, first message, the survey)."""
    row, first = a_finished_conversation(client, alice)
    settle()
    surveys.run_once()
    outbox_round()
    (survey,) = [p for p in fake.posted() if p.get("blocks", [{}])[-1].get("block_id") == "csat"]
    return row, first, survey


def click(survey: dict, rating: int, first: dict) -> dict:
    """Slack's block_actions payload for a press of the survey's button `rating`."""
    payload = block_actions("", "", channel="D0CAROL", message_ts="1.5", thread_ts=first["ts"])
    button = next(
        b for b in survey["blocks"][1]["elements"] if b["action_id"].endswith(str(rating))
    )
    payload["actions"] = [
        {**copy.deepcopy(button), "block_id": "csat", "action_ts": "1700000001.000100"}
    ]
    return payload


def test_the_survey_goes_into_the_thread_with_five_buttons(client, slack, fake, alice):
    row, first, survey = asked(client, fake, alice)

    assert survey["thread_ts"] == first["ts"]
    assert survey["text"].startswith("How did we do?")
    section, actions = survey["blocks"]
    assert section["type"] == "section"
    assert [b["action_id"] for b in actions["elements"]] == [
        f"csat_rating_{n}" for n in range(1, 6)
    ]
    assert {b["value"] for b in actions["elements"]} == {row.id}


def test_a_click_rates_the_conversation_once(client, slack, fake, alice):
    row, first, survey = asked(client, fake, alice)

    response = post_click(client, click(survey, 5, first))
    again = post_click(client, click(survey, 1, first))

    assert response.status_code == 200 and again.status_code == 200
    rated = [e for e in store.read_stream(stream_id(row.id)) if e.type == "CsatRated"]
    assert [e.data["rating"] for e in rated] == [5]
    assert Interaction.objects.get(pk=row.id).csat_rating == 5


def test_a_forged_or_foreign_click_rates_nothing(client, slack, fake, alice):
    row, first, survey = asked(client, fake, alice)

    forged = post_click(client, click(survey, 1, first), secret="not-the-secret")
    elsewhere = click(survey, 1, first)
    elsewhere["actions"][0]["value"] = "no-such-interaction"
    unknown = post_click(client, elsewhere)

    assert forged.status_code == 401
    assert unknown.status_code == 422 and "to rate" in unknown.json()["error"]
    assert Interaction.objects.get(pk=row.id).csat_rating is None
