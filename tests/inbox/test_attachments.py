"""Files both ways (docs/inbox.md, "Attachments"): a visitor sends a picture from the widget,
the agent sees its thumbnail and sends a PDF back, the visitor downloads it; nobody else gets
either file, and bad uploads are a clear 4xx with nothing left in storage."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from channels_adapters.webchat import tokens
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.privacy.erasure import erase_customer
from routing import offers
from tests.browser.inbox_world import a_chat, support_center
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)

# The smallest thing that is a PDF by its bytes.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png(width: int = 1200, height: int = 800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media: Path) -> list[Path]:
    return [p for p in (media / "uploads").rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def center():
    _support, people = support_center()
    agent = Client()
    agent.force_login(people["agent1"])
    return agent, people


def visitor_client(visitor_id: str | None = None) -> tuple[Client, str]:
    token, visitor = tokens.issue("demo", visitor_id)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}"), visitor.visitor_id


def send_file(client: Client, url: str, name: str, content: bytes, **fields) -> object:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(url, {"file": upload, **fields})


def test_a_picture_in_and_a_pdf_out_each_for_its_own_people(media, center):
    agent, people = center
    visitor, _ = visitor_client()

    sent = send_file(visitor, "/widget/attachments/", "holiday.png", png(), client_message_id="p1")
    assert sent.status_code == 201, sent.content
    interaction_id = sent.json()["interaction_id"]
    offers.assign_by_hand(interaction_id, people["agent1"].pk)

    # The agent's transcript has the picture, typed by its bytes; its thumbnail is small.
    entry = TranscriptEntry.objects.get(interaction_id=interaction_id, kind="inbound")
    [picture] = entry.attachments
    assert picture["content_type"] == "image/png" and picture["name"] == "holiday.png"
    thumb = agent.get(picture["url"] + "?thumbnail=1")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    assert visitor.get(sent.json()["attachments"][0]["thumbnail_url"]).status_code == 200

    # The agent sends a PDF back (named as if it were a text file: its bytes decide).
    reply = send_file(
        agent, "/console/attachments/", "invoice.txt", PDF, interaction_id=interaction_id
    )
    assert reply.status_code == 201, reply.content
    pdf = reply.json()["attachment"]
    assert pdf["content_type"] == "application/pdf" and pdf["name"] == "invoice.txt.pdf"

    # The visitor downloads it, as a download (nothing of it runs in our origin).
    [shown] = [
        a
        for e in TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="outbound")
        for a in e.attachments
    ]
    widget_url = "/widget/attachments/" + shown["url"].removeprefix("/attachments/")
    download = visitor.get(widget_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    # Nobody else: another visitor, no token, a forged token, an agent of another queue.
    stranger, _ = visitor_client()
    assert stranger.get(widget_url).status_code == 404
    assert Client().get(widget_url).status_code == 401
    forged = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert forged.get(widget_url).status_code == 401
    billing = a_queue(name="Billing", entry=None)
    outsider = Client()
    outsider.force_login(an_agent(billing, username="olga", available=False))
    assert outsider.get(pdf["url"]).status_code == 403
    assert agent.get(pdf["url"]).status_code == 200


def test_bad_uploads_are_a_clear_4xx_and_leave_nothing_stored(media, center, settings):
    agent, people = center
    interaction_id = a_chat(people["agent1"])
    visitor_id = Interaction.objects.get(pk=interaction_id).threading_key
    visitor, _ = visitor_client(visitor_id)

    # A program dressed as a picture: the bytes say what it is.
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    disguised = send_file(
        visitor, "/widget/attachments/", "cat.png", program, client_message_id="x"
    )
    assert disguised.status_code == 415
    assert "application/x-msdownload" in disguised.json()["error"]

    settings.ATTACHMENT_MAX_BYTES = 1000
    too_large = send_file(
        agent, "/console/attachments/", "big.png", png(), interaction_id=interaction_id
    )
    assert too_large.status_code == 413
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

    no_file = visitor.post("/widget/attachments/", {"client_message_id": "y"})
    assert no_file.status_code == 400
    anonymous = send_file(Client(), "/widget/attachments/", "a.pdf", PDF, client_message_id="z")
    assert anonymous.status_code == 401

    # Someone else's conversation: another agent (same queue, not holding it) may not send.
    colleague = Client()
    colleague.force_login(people["agent2"])
    not_theirs = send_file(
        colleague, "/console/attachments/", "a.pdf", PDF, interaction_id=interaction_id
    )
    assert not_theirs.status_code == 403
    assert (
        send_file(agent, "/console/attachments/", "a.pdf", PDF, interaction_id="nope").status_code
        == 404
    )

    # A file accepted, then a message the conversation no longer takes: the file goes too.
    offers.end_conversation(interaction_id, people["agent1"].pk)
    offers.wrap_up(interaction_id, people["agent1"].pk, disposition="resolved")
    closed = send_file(agent, "/console/attachments/", "a.pdf", PDF, interaction_id=interaction_id)
    assert closed.status_code == 409
    assert stored(media) == []
    assert not TranscriptEntry.objects.filter(interaction_id=interaction_id).exclude(attachments=[])


def test_a_resent_upload_appends_nothing_and_keeps_one_file(media, center):
    visitor, _ = visitor_client()
    first = send_file(visitor, "/widget/attachments/", "a.pdf", PDF, client_message_id="once")
    again = send_file(visitor, "/widget/attachments/", "a.pdf", PDF, client_message_id="once")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert len(stored(media)) == 1


def test_erasing_the_customer_deletes_their_files(media, center):
    visitor, _ = visitor_client()
    sent = send_file(visitor, "/widget/attachments/", "me.png", png(40, 40), client_message_id="e")
    assert len(stored(media)) == 1
    customer_id = Interaction.objects.get(pk=sent.json()["interaction_id"]).customer_id
    erase_customer(customer_id, requested_by="test")
    assert stored(media) == []
