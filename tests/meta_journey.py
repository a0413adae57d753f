"""The rest of a customer's journey after a Meta channel's webhook let them in, the same for
WhatsApp and Messenger: an agent answers from the console, wraps up, and the contact shows in
the KPIs and the REST API under its channel."""

from contactcenter import clock
from contactcenter.actions import Actor
from contactcenter.actions import interactions as actions
from contactcenter.events import projections
from contactcenter.interactions.models import Interaction
from contactcenter.kpis import figures
from routing import offers, router
from tests.api.conftest import client_for
from tests.kpis.follow import catch_up_fully
from tests.settle import outbox_round


def answered_from_the_console(interaction: Interaction, agent, text: str) -> None:
    assert router.route_once() >= 1
    interaction.refresh_from_db()
    assert interaction.offer_id, "routing offered it to nobody"
    actor = Actor.of(agent, "console")
    actions.accept(actor, interaction.id, interaction.offer_id)
    actions.send(actor, interaction.id, text, client_message_id="console-1")
    outbox_round()
    offers.end_conversation(interaction.id, agent.pk)
    offers.wrap_up(interaction.id, agent.pk, disposition="resolved")


def counted_in_kpis_and_the_api(channel: str, interaction: Interaction, agent) -> None:
    catch_up_fully(projections.get("kpis"))
    today = clock.now().date()
    start, end = figures.day_range(today, today)
    figures_ = figures.totals("channel", start, end, now=clock.now())[channel]
    assert (figures_.offered, figures_.answered, figures_.handled) == (1, 1, 1)
    assert figures_.first_response_seconds is not None  # an asynchronous channel

    listed = client_for(agent).get("/api/v1/interactions/", {"channel": channel})
    assert listed.status_code == 200, listed.content
    rows = listed.json()["results"] if isinstance(listed.json(), dict) else listed.json()
    assert [row["id"] for row in rows] == [interaction.id]
    assert rows[0]["channel"] == channel
