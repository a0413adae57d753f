"""An MMS's media are copied from Twilio into our storage as the message arrives, so they show
and are kept like any attachment (permission-checked downloads, thumbnails), with Twilio's
credentials sent to Twilio's host only. A copy that fails keeps Twilio's link; a redelivery
copies nothing again."""

import base64
import io
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from contactcenter.interactions.models import TranscriptEntry
from tests import local_http
from tests.routing.builders import a_queue, an_agent
from tests.twilio_api import ACCOUNT, TOKEN, a_channel
from tests.twilio_hooks import post, sms

pytestmark = pytest.mark.django_db
HOOK = "/hooks/twilio/sms/"


def a_picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


class TwilioMedia:
    """Twilio's media URLs on 127.0.0.1: basic auth with the account's SID and token, then a
    redirect to the storage host (here `localhost`, another host name) that serves the file."""

    def __init__(self, content: bytes):
        self.content = content
        self.seen: list[tuple[str, str]] = []  # (path, Authorization header)
        media = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                media.seen.append((self.path, self.headers.get("Authorization", "")))
                expected = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
                if self.path.startswith("/2010-04-01/"):
                    if self.headers.get("Authorization") != f"Basic {expected}":
                        self.send_response(401)
                        self.end_headers()
                        return
                    if self.path.endswith("/gone"):
                        self.send_response(404)
                        self.end_headers()
                        return
                    self.send_response(302)
                    self.send_header("Location", f"http://localhost:{port}/storage/ME1")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(media.content)))
                self.end_headers()
                self.wfile.write(media.content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{port}"
        local_http.serve(self.server)

    def url(self, media: str = "ME1") -> str:
        return f"{self.base}/2010-04-01/Accounts/{ACCOUNT}/Messages/MM1/Media/{media}"


@pytest.fixture
def twilio_media():
    media = TwilioMedia(a_picture())
    media.queue = a_queue("Support", entry="sms:*")
    a_channel(base_url=media.base)
    yield media
    media.server.shutdown()


def mms(url: str, sid: str = "MM" + "1" * 32) -> dict:
    return sms(
        "photo of the damage",
        MessageSid=sid,
        NumMedia="1",
        MediaUrl0=url,
        MediaContentType0="image/png",
    )


def test_an_mms_picture_is_copied_into_storage_and_downloads_for_the_agent(client, twilio_media):
    support = twilio_media.queue
    post(client, HOOK, mms(twilio_media.url()))

    entry = TranscriptEntry.objects.get()
    (picture,) = entry.attachments
    assert picture["content_type"] == "image/png" and picture["size"] > 0
    assert picture["name"] == "media-0.png"
    assert picture["url"] == "/attachments/" + picture["storage_key"]
    with default_storage.open(picture["storage_key"], "rb") as stored:
        assert stored.read() == twilio_media.content
    # Twilio's credentials went to Twilio's host, not to the storage host it redirected to.
    (_, auth), (fetched, storage_auth) = twilio_media.seen
    assert auth.startswith("Basic ") and storage_auth == ""
    assert fetched == "/storage/ME1"

    client.force_login(an_agent(support, username="agent-of-support"))
    shown = client.get(picture["url"])
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == twilio_media.content
    assert client.get(picture["url"] + "?thumbnail=1").status_code == 200
    client.force_login(an_agent(a_queue("Sales", entry=None), username="agent-of-sales"))
    assert client.get(picture["url"]).status_code == 403


def test_a_redelivered_mms_is_not_copied_again(client, twilio_media):
    post(client, HOOK, mms(twilio_media.url()))
    post(client, HOOK, mms(twilio_media.url()))

    assert TranscriptEntry.objects.count() == 1
    assert len(twilio_media.seen) == 2  # one copy: Twilio's URL and the storage host, once


def test_media_that_cannot_be_copied_keep_twilios_link_and_the_message_still_arrives(
    client, twilio_media
):
    gone = twilio_media.url("gone")

    post(client, HOOK, mms(gone))

    (entry,) = TranscriptEntry.objects.all()
    assert entry.text == "photo of the damage"
    assert entry.attachments == [
        {"url": gone, "name": "media-0", "content_type": "image/png", "size": 0}
    ]
