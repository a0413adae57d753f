"""Files both ways, in Chromium (docs/inbox.md, "Attachments"): the customer sends a picture
from the widget, the agent sees its thumbnail and sends a PDF back, the customer downloads
it; another visitor cannot."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from routing.models import EntryPoint, Queue
from tests.browser.conftest import serve
from tests.routing.builders import a_queue, an_agent
from tests.sms.test_mms_media import TwilioMedia
from tests.twilio_api import TOKEN, a_channel
from tests.twilio_hooks import sms

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-for-tests"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Resolves once the picture has loaded (at once if it already has).
LOADED = "i => (i.complete && i.naturalWidth > 0) || new Promise(r => { i.onload = () => r(1); })"


@pytest.fixture
def platform(transactional_db, tmp_path):
    """The platform with a storage of its own, so the files the test leaves are its own."""
    yield from serve(MEDIA_ROOT=str(tmp_path / "media"))


@pytest.fixture
def center(host_page):
    support = a_queue(name="Support", entry="webchat:*", dispositions=("resolved",))
    chat = WebChatChannel.objects.create(
        key="demo", name="Demo", title="Acme support", allowed_origins=host_page
    )
    WebChatTopic.objects.create(channel=chat, label="Support", queue=support)
    agent = an_agent(support, username="agent1")
    agent.set_password(PASSWORD)
    agent.first_name = "Agent1"
    agent.save()


def a_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def log_in(browser, platform):
    page = browser.new_context().new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(f"{platform}/console/")
    page.fill("input[name=username]", "agent1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#connection")).to_have_text("connected")
    return page


def open_widget(page, host_page):
    page.goto(host_page)
    widget = page.frame_locator("iframe[title=Chat]")
    widget.locator("#launcher").click()
    return widget


def widget_frame(page):
    return next(f for f in page.frames if re.search(r"/widget/frame/", f.url))


def test_a_photo_from_the_widget_and_a_pdf_back(
    browser, platform, host_page, center, screenshot, tmp_path
):
    agent = log_in(browser, platform)
    customer = browser.new_context(accept_downloads=True).new_page()
    customer.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    widget = open_widget(customer, host_page)
    widget.locator("#prechat input[name=name]").fill("Vera Visitor")
    widget.locator("#prechat textarea[name=text]").fill("My parcel arrived broken")
    widget.locator("#prechat button[type=submit]").click()
    agent.locator(".offer button.accept").click(timeout=15000)
    expect(agent.locator(".entry.inbound .body").first).to_have_text("My parcel arrived broken")

    # The customer attaches a photo: it shows in the chat as a thumbnail, and the agent sees
    # the same thumbnail (a small copy, not the 1600 px photo).
    widget.locator("#file").set_input_files(
        files=[{"name": "broken.png", "mimeType": "image/png", "buffer": a_photo()}]
    )
    own = widget.locator(".message.customer img[alt='broken.png']")
    expect(own).to_be_visible()
    own.evaluate(LOADED)
    thumbnail = agent.locator(".entry.inbound img.thumbnail[alt='broken.png']")
    expect(thumbnail).to_be_visible()
    thumbnail.evaluate(LOADED)
    assert thumbnail.evaluate("i => i.naturalWidth") == 320
    assert thumbnail.get_attribute("src").endswith("?thumbnail=1")
    screenshot(agent, "attachments-01-console-thumbnail")

    # The agent sends a PDF back; the customer downloads it.
    agent.set_input_files(
        "#attach-file",
        files=[{"name": "return-label.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    expect(agent.locator(".entry.outbound a.attachment")).to_contain_text("return-label.pdf")
    link = widget.locator(".message.agent a.file", has_text="return-label.pdf")
    expect(link).to_be_visible()
    screenshot(customer, "attachments-02-widget")
    with customer.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "return-label.pdf"
    download.value.save_as(tmp_path / "saved.pdf")  # the browser is another process's
    assert (tmp_path / "saved.pdf").read_bytes() == PDF

    # Another visitor, with a token of their own, cannot fetch it.
    url = link.get_attribute("data-url")
    stranger = browser.new_context().new_page()
    open_widget(stranger, host_page)
    frame = widget_frame(stranger)
    frame.wait_for_function("() => localStorage.getItem('cc-widget-token:demo')")
    status = frame.evaluate(
        """url => fetch(url, {headers: {Authorization: "Bearer " +
               localStorage.getItem("cc-widget-token:demo")}}).then(r => r.status)""",
        url,
    )
    assert status == 404


def test_an_mms_picture_shows_in_the_console_like_any_picture(
    browser, platform, center, screenshot
):
    """The customer texts a photo: it is copied from Twilio into our storage and the agent
    sees its thumbnail, which opens the picture (docs/channels.md, SMS)."""
    import urllib.request

    Queue.objects.filter(name="Support").update(channels=["webchat", "sms"])

    EntryPoint.objects.create(
        channel="sms", channel_key="*", queue=Queue.objects.get(name="Support")
    )
    media = TwilioMedia(a_photo())
    a_channel(base_url=media.base)
    agent = log_in(browser, platform)
    params = sms(
        "the parcel arrived like this",
        NumMedia="1",
        MediaUrl0=media.url(),
        MediaContentType0="image/png",
    )
    url = f"{platform}/hooks/twilio/sms/"
    signed = RequestValidator(TOKEN).compute_signature(url, params)
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(params).encode(),
        headers={"X-Twilio-Signature": signed},
    )
    with urllib.request.urlopen(request, timeout=20) as answer:
        assert answer.status == 200

    offer = agent.locator(".offer")
    expect(offer).to_be_visible(timeout=15000)
    offer.locator("button.accept").click()
    thumbnail = agent.locator(".entry.inbound .attachments img")
    expect(thumbnail).to_be_visible()
    thumbnail.evaluate(LOADED)
    assert thumbnail.evaluate("i => i.naturalWidth") <= 320  # the thumbnail, not the original
    assert "thumbnail=1" in thumbnail.get_attribute("src")
    screenshot(agent, "attachments-03-mms-in-console")
    media.server.shutdown()
