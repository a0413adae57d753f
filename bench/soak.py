"""Soak: a small floor for a while, in Chromium, and the screens must stay usable throughout.

Three customers chat in the widget (each conversation ends after a while and a new customer
takes its place), two agents answer in their consoles, and a supervisor watches the wallboard
and monitors one conversation after another — for `SOAK_MINUTES` (default 10) on the demo
tenant, against a deployment of its own (PostgreSQL, Redis, one server with its loops).

Every check is made again and again, not once: every message reaches the other side within
`DELIVERY_LIMIT_S`; each page stays connected; the wallboard keeps updating; no page throws a
JavaScript error or opens a dialog; no page's JavaScript heap keeps growing. Ends with one line:
`soak: minutes=… conversations=… messages=… delivery_p95_ms=… delivery_max_ms=… errors=…
heap_growth_mb=…` and exits non-zero on any failure.

    python -m bench soak             # 10 minutes
    SOAK_MINUTES=1 python -m bench soak
"""

import os
import re
import shutil
import statistics
import sys
import time

from bench import harness
from tests.faults.deployment import PASSWORD, Deployment, remove_demo_template

MINUTES = float(os.environ.get("SOAK_MINUTES", "10"))
DELIVERY_LIMIT_S = 5.0
CONVERSATION_S = 90  # a customer talks this long, then the chat is ended and wrapped up
SAY_EVERY_S = 8
CHROMIUM = "/usr/bin/chromium"
DISPLAY = {"agent1": "Alice Archer", "agent2": "Bob Baker"}  # the demo's names
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Floor:
    def __init__(self, browser, base: str):
        self.browser, self.base = browser, base
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.messages = 0
        self.conversations = 0
        self.heaps: dict[str, list[float]] = {}
        self.agents = [self.staff("agent1", "/console/"), self.staff("agent2", "/console/")]
        self.wallboard = self.staff("supervisor", "/supervisor/", connected="live")
        for agent in self.agents:
            agent.select_option("#presence", "available:")
        self.customers: list[dict] = []

    def watch(self, page, name: str):
        page.on("pageerror", lambda error: self.errors.append(f"{name}: {error}"))
        page.on("dialog", lambda dialog: self.errors.append(f"{name}: dialog {dialog.message}"))
        return page

    def staff(self, username: str, path: str, connected: str = "connected"):
        from playwright.sync_api import expect

        page = self.watch(self.browser.new_context().new_page(), username)
        page.goto(f"{self.base}{path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#connection")).to_have_text(connected)
        page.name = username
        page.display = DISPLAY.get(username, username)
        return page

    def new_customer(self, number: int) -> None:
        context = self.browser.new_context()
        page = self.watch(context.new_page(), f"customer {number}")
        page.goto(f"{self.base}/demo/widget/")
        widget = page.frame_locator("iframe[title=Chat]")
        widget.locator("#launcher").click()
        widget.locator("#prechat input[name=name]").fill(f"Customer {number}")
        widget.locator("#prechat select[name=topic]").select_option(label="Support")
        widget.locator("#prechat textarea[name=text]").fill(f"customer {number} says hello")
        widget.locator("#prechat button[type=submit]").click()
        self.customers.append(
            {
                "number": number,
                "page": page,
                "widget": widget,
                "context": context,
                "since": time.monotonic(),
                "said": 1,
                "agent": None,
            }
        )
        self.conversations += 1

    def take_offers(self) -> None:
        for agent in self.agents:
            offer = agent.locator(".offer button.accept")
            if offer.count():
                offer.first.click()

    def converse(self, customer: dict) -> None:
        """The customer says one more thing; it must reach the agent, whose answer must
        reach the customer, each within the limit."""
        from playwright.sync_api import expect

        agent = self.holder(customer)
        if agent is None:
            return
        text = f"customer {customer['number']} message {customer['said']}"
        started = time.monotonic()
        customer["widget"].locator("#composer textarea").fill(text)
        customer["widget"].locator("#composer textarea").press("Enter")
        self.open_tab(agent, customer)
        try:
            expect(agent.locator(".entry.inbound .body").last).to_have_text(
                text, timeout=DELIVERY_LIMIT_S * 1000
            )
        except AssertionError:
            # What each side shows, for the report: lost on the way, or not shown?
            widget = customer["widget"].locator(".message p").all_inner_texts()[-3:]
            console = agent.locator(".entry .body").all_inner_texts()[-3:]
            raise AssertionError(
                f"{text!r} not shown to {agent.name} in {DELIVERY_LIMIT_S:g} s; "
                f"widget shows {widget}, console shows {console}, "
                f"tab {agent.locator('#thread-title').inner_text()!r}"
            ) from None
        self.latencies.append(time.monotonic() - started)
        answer = f"answer to {customer['number']}.{customer['said']}"
        started = time.monotonic()
        agent.fill("#reply", answer)
        agent.keyboard.press("Control+Enter")
        expect(customer["widget"].locator(".message.agent p").last).to_have_text(
            answer, timeout=DELIVERY_LIMIT_S * 1000
        )
        self.latencies.append(time.monotonic() - started)
        customer["said"] += 1
        self.messages += 2

    def tab(self, agent, customer: dict):
        # "Customer 1" must not find "Customer 12"'s tab
        name = re.compile(rf"Customer {customer['number']}\b")
        return agent.locator("#tabs li", has_text=name)

    def holder(self, customer: dict):
        for agent in self.agents:
            if self.tab(agent, customer).count():
                customer["agent"] = agent
                return agent
        return None

    def open_tab(self, agent, customer: dict) -> None:
        self.tab(agent, customer).click()

    def finish(self, customer: dict) -> None:
        agent = self.holder(customer)
        if agent is not None:
            self.open_tab(agent, customer)
            agent.click("#end-button")
            agent.select_option("#disposition", "resolved")
            agent.click("#wrap-up button[type=submit]")
        customer["context"].close()
        self.customers.remove(customer)

    def monitor_someone(self, round_: int) -> None:
        links = self.wallboard.locator("#agents tbody ul a", has_text="active")
        if links.count():
            if self.wallboard.locator("#monitor").is_visible():
                self.wallboard.click("#stop-monitoring")
            links.nth(round_ % links.count()).click()

    def check_pages(self) -> None:
        for page in [*self.agents, self.wallboard]:
            text = page.locator("#connection").inner_text()
            if text not in ("connected", "live"):
                self.errors.append(f"{page.name}: connection shows {text!r}")
            heap = page.evaluate("() => (performance.memory || {}).usedJSHeapSize || 0")
            self.heaps.setdefault(page.name, []).append(heap / 1e6)
        # The wallboard tells the truth: each agent's work there is what their console holds,
        # tabs and offers not yet answered (it is pushed, coalesced: give it a moment).

        for agent in self.agents:
            row = self.wallboard.locator("#agents tbody tr", has_text=agent.display)
            deadline = time.monotonic() + 5
            while True:
                held = agent.locator("#tabs li.tab").count() + agent.locator(".offer").count()
                shown = row.locator("ul li").count()
                if held == shown:
                    break
                if time.monotonic() > deadline:
                    self.errors.append(
                        f"wallboard: {agent.name} holds {held} (tabs and offers), "
                        f"the wallboard shows {shown} for 5 s"
                    )
                    break
                time.sleep(0.25)


def heap_growth(heaps: dict[str, list[float]]) -> float:
    """MB the busiest page's heap grew from its first third to its last (garbage is
    collected in steps, so the medians of thirds, not first and last samples)."""
    growth = 0.0
    for samples in heaps.values():
        if len(samples) >= 6:
            third = len(samples) // 3
            growth = max(
                growth, statistics.median(samples[-third:]) - statistics.median(samples[:third])
            )
    return growth


def main() -> int:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        print(f"soak needs {CHROMIUM} (Debian's chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    deployment = Deployment(LOG_LEVEL="WARNING")
    try:
        server = deployment.server("soak", public=True, workers=True)
        deployment.sql(
            "UPDATE webchat_webchatchannel SET allowed_origins = allowed_origins || %s",
            (f"\n{server.base}",),
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            floor = Floor(browser, server.base)
            result = run(floor)
            browser.close()
        return result
    finally:
        deployment.close()
        remove_demo_template()


def run(floor: Floor) -> int:
    deadline = time.monotonic() + MINUTES * 60
    number, round_ = 0, 0
    while time.monotonic() < deadline:
        round_ += 1
        while len(floor.customers) < 3:
            number += 1
            floor.new_customer(number)
        floor.take_offers()
        for customer in list(floor.customers):
            try:
                if time.monotonic() - customer["since"] > CONVERSATION_S:
                    floor.finish(customer)
                else:
                    floor.converse(customer)
            except Exception as error:  # a check that failed: recorded, the soak goes on
                floor.errors.append(f"customer {customer['number']}: {str(error)[:300]}")
        if round_ % 4 == 0:
            floor.monitor_someone(round_)
        floor.check_pages()
        time.sleep(SAY_EVERY_S)
    latencies = sorted(floor.latencies) or [0.0]
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    growth = heap_growth(floor.heaps)
    for error in floor.errors[:20]:
        print("  error:", error)
    print(
        harness.summary(
            "soak",
            minutes=f"{MINUTES:g}",
            conversations=floor.conversations,
            messages=floor.messages,
            delivery_p95_ms=round(p95 * 1000),
            delivery_max_ms=round(latencies[-1] * 1000),
            errors=len(floor.errors),
            heap_growth_mb=float(growth),
        )
    )
    return 1 if floor.errors or growth > 20 else 0


if __name__ == "__main__":
    sys.exit(main())
