"""The satisfaction survey by mail: five signed rating links. Opening one shows the rating
and a comment box and records nothing (mail scanners open every link); the customer's press
of the button records it, once. A changed, cut or old link gets a page that says so."""

import re
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest

from contactcenter import clock
from contactcenter.csat import links, surveys
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction, TranscriptEntry
from routing.offers import assign_by_hand, end_conversation, wrap_up
from tests.email.conftest import mail, send
from tests.routing.builders import an_agent
from tests.settle import outbox_round, settle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed(listener, channel, sink) -> str:
    """A customer's mail, answered by an agent and wrapped up; the survey worker has run and
    the outbox has sent what there was to send."""
    send(listener, mail(subject="Kettle leaks"))
    entry = TranscriptEntry.objects.get(kind="inbound")
    agent = an_agent(channel.queue, username="alice")
    assign_by_hand(entry.interaction_id, agent.pk)
    end_conversation(entry.interaction_id, agent.pk)
    wrap_up(entry.interaction_id, agent.pk, disposition="resolved")
    settle()
    surveys.run_once()
    outbox_round()
    return entry.interaction_id


def survey_links(sink) -> dict[int, str]:
    sent = [message_from_bytes(raw, policy=policy.default) for _, _, raw in sink.received]
    (survey,) = [m for m in sent if m["Subject"] == "How did we do?"]
    html = survey.get_body(("html",)).get_content()
    found = re.findall(r'href="([^"]+)"[^>]*>(\d) ', html)
    return {int(rating): urlsplit(url).path for url, rating in found}


def ratings_of(interaction_id: str) -> list[int]:
    return [
        e.data["rating"]
        for e in store.read_stream(stream_id(interaction_id))
        if e.type == "CsatRated"
    ]


def test_the_survey_mail_carries_a_signed_link_per_rating(closed, sink):
    found = survey_links(sink)

    assert sorted(found) == [1, 2, 3, 4, 5]
    assert all(path.startswith("/csat/") for path in found.values())
    assert links.read(found[4].split("/")[2]) == (closed, 4)


def test_opening_a_link_records_nothing_and_the_button_records_it_with_a_comment(
    client, closed, sink
):
    path = survey_links(sink)[2]

    page = client.get(path)  # what a mail scanner does too
    assert page.status_code == 200
    assert 'value="2" checked' in page.text and "Send my rating" in page.text
    assert ratings_of(closed) == []

    sent = client.post(path, {"rating": "2", "comment": "Slow to answer"})

    assert sent.status_code == 200 and "Thank you" in sent.text
    row = Interaction.objects.get(pk=closed)
    assert (row.csat_rating, row.csat_comment) == (2, "Slow to answer")


def test_a_second_rating_is_refused_with_a_page(client, closed, sink):
    found = survey_links(sink)
    client.post(found[5])

    again = client.post(found[1])

    assert again.status_code == 409 and "rated already" in again.text
    assert ratings_of(closed) == [5]


def test_changed_cut_and_old_links_get_a_clear_page(client, closed, sink):
    path = survey_links(sink)[4]
    token = path.split("/")[2]
    forged = links.token(closed, 5)[:-3] + "abc"

    assert client.get(f"/csat/{token[:-6]}/").status_code == 400
    assert client.post(f"/csat/{forged}/").status_code == 400
    with clock.travel(timedelta(hours=73)):
        expired = client.get(path)
    assert expired.status_code == 410 and "expired" in expired.text
    assert client.post(path, {"rating": "9"}).status_code == 400
    assert ratings_of(closed) == []
