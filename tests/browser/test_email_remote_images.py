"""In Chromium: an e-mail's remote images are not fetched when an agent reads it (a tracking
pixel would tell the sender when and where); one click on "Load images" shows that message's
images. The console itself runs under its Content-Security-Policy without a violation."""

import base64
import http.server

import pytest
from playwright.sync_api import expect

from contactcenter.interactions.ingest import ingest
from routing import offers
from tests import local_http
from tests.browser.conftest import free_port
from tests.factories import email_message
from tests.routing.builders import a_queue, an_agent

# The second mail is ingested in this process and pushed to the server's console: across
# processes, which takes the Redis channel layer (the embedded in-memory one is per process).
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def sender_site():
    """The sender's web server, on another origin, noting every image fetched from it."""
    fetched: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            fetched.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PIXEL)))
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    local_http.serve(server)
    yield f"http://localhost:{server.server_address[1]}", fetched
    server.shutdown()


@pytest.fixture
def mail_in_hand(platform, sender_site):
    """Agent1 holds an e-mail whose HTML shows a picture from the sender's site."""
    site, _ = sender_site
    agent = an_agent(a_queue(name="Support", entry="email:*"), username="agent1")
    agent.set_password(PASSWORD)
    agent.save()
    html = f'<p>Here is the broken part:</p><img src="{site}/pixel.png?who=carla" alt="part">'
    first = email_message(html=html, threading_key="<order-1234@mail.example.org>")
    interaction_id = ingest(first).interaction_id
    # Handed to the agent directly: the server's own router may be offering it meanwhile,
    # and an assignment settles either way (an outstanding offer is rescinded).
    offers.assign_by_hand(interaction_id, agent.pk)
    return interaction_id


def image_width(page) -> int:
    image = page.frame_locator("iframe.html-body").locator("img")
    image.evaluate("img => img.complete || new Promise(done => img.onerror = img.onload = done)")
    return image.evaluate("img => img.naturalWidth")


def test_remote_images_wait_for_the_agents_click(
    browser, platform, sender_site, mail_in_hand, screenshot
):
    site, fetched = sender_site
    page = browser.new_context().new_page()
    policy_violations = []
    page.on(
        "console",
        lambda m: policy_violations.append(m.text) if "Content Security Policy" in m.text else 0,
    )
    page.goto(f"{platform}/console/")
    page.fill("input[name=username]", "agent1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#connection")).to_have_text("connected")
    page.locator("#tabs li").first.click()

    notice = page.locator(".remote-images")
    expect(notice).to_contain_text("Remote images are blocked")
    assert image_width(page) == 0  # refused by the frame's policy, never requested
    assert fetched == []
    screenshot(page, "email-remote-images-blocked")

    notice.locator("button.load-images").click()
    expect(notice).to_have_count(0)
    assert image_width(page) == 1
    assert fetched == ["/pixel.png?who=carla"]
    screenshot(page, "email-remote-images-loaded")

    # Carla writes again in the thread: the new mail joins the conversation below, and the
    # first one's frame stays as it was — not built again, so its picture is not fetched again.
    page.evaluate("document.querySelector('iframe.html-body').dataset.seen = 'before'")
    ingest(
        email_message(
            text="Any news?",
            subject="Re: My order has not arrived",
            threading_key="<order-1234@mail.example.org>",
        )
    )
    expect(page.locator("#transcript .entry.inbound")).to_have_count(2)
    assert page.evaluate("document.querySelector('iframe.html-body').dataset.seen") == "before"
    assert fetched == ["/pixel.png?who=carla"]

    # The only policy violation was the blocked picture: the console's own code kept to it.
    assert policy_violations and all(site in text for text in policy_violations), policy_violations
