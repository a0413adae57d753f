"""Issue 13.3: pushes are hints. An offer whose push never reached the console (a Redis
restart, a router whose pushes go nowhere) still appears, from the console's periodic
resynchronisation, without a reload."""

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from contactcenter.interactions.ingest import ingest
from tests.browser.conftest import OUTPUT, ROOT, database_url, serve
from tests.browser.test_chat_end_to_end import PASSWORD, log_in
from tests.conftest import wait_until_alone
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def console_apart_from_its_router(transactional_db):
    """The web server, and a router whose pushes reach no one: it runs with an in-memory
    channel layer of its own, as if every push it made were lost."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    router = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--only", "router"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
            "REDIS_URL": "",
        },
        stdout=(OUTPUT / "router.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    server = serve(EMBEDDED_ROUTER="0", CONSOLE_RESYNC_SECONDS="2")
    try:
        yield next(server)
    finally:
        # The router first: the server's own teardown waits for the database to be let go of.
        router.terminate()
        router.wait(30)
        next(server, None)
        wait_until_alone()


def test_an_offer_whose_push_was_lost_appears_at_the_next_resync(
    browser, console_apart_from_its_router
):
    support = a_queue(name="Support", entry="webchat:*")
    agent = an_agent(support, username="agent1")
    agent.set_password(PASSWORD)
    agent.save()
    console = log_in(browser, console_apart_from_its_router, "agent1")

    ingest(chat_message(text="Hello, is anyone there?"))

    offer = console.locator(".offer")
    expect(offer).to_be_visible(timeout=20000)
    offer.locator("button.accept").click()
    expect(console.locator(".entry.inbound .body").first).to_have_text("Hello, is anyone there?")
