"""Files both ways, in Chromium (docs/inbox.md, "Attachments"): the customer sends a picture
from the widget, the agent sees its thumbnail and sends a PDF back, the customer downloads
it; another visitor cannot."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from channels_adapters.webchat.models import WebChatChannel, WebChatTopic
from tests.browser.conftest import serve
from tests.routing.builders import a_queue, an_agent

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


def test_a_photo_from_the_widget_and_a_pdf_back(browser, platform, host_page, center, screenshot):
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
    assert Path(download.value.path()).read_bytes() == PDF

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
