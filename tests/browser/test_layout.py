"""Issue 14.7: screens a supervisor uses all day fit a desktop screen. At 1280, 1600 and 1920
px no table runs out of its panel (nothing covered, nothing to scroll sideways) and every link,
button and menu in a table can be clicked where it is drawn; no page links where its reader may
not go."""

import pytest
from playwright.sync_api import expect

from contactcenter.interactions.ingest import ingest
from contactcenter.interactions.models import Interaction
from routing import offers, router
from tests.browser.test_chat_end_to_end import PASSWORD
from tests.factories import chat_message
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (1280, 1600, 1920)
PAGES = (
    "/supervisor/",
    "/supervisor/quality/",
    "/supervisor/quality/report/",
    "/supervisor/reports/",
    "/supervisor/reports/agent/",
    "/supervisor/reports/disposition/",
    "/supervisor/staffing/",
    "/supervisor/wfm/",
    "/supervisor/wfm/schedules/",
    "/supervisor/wfm/adherence/",
)

# For every table: does it fit its scroll box, and is each control in it the element drawn
# at its own centre (not hidden under a neighbouring panel)?
MEASURE = """() => {
  const problems = [];
  for (const table of document.querySelectorAll("table")) {
    if (!table.offsetParent) continue;  // not shown
    let box = table.parentElement;
    const t = table.getBoundingClientRect(), b = box.getBoundingClientRect();
    // A wide report may scroll sideways inside its own box; nothing may spill out of one.
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(box).overflowX) &&
                    !table.querySelector("a, button, select, input");
    if (!scrolls && (t.right > b.right + 1 || box.scrollWidth > box.clientWidth + 1)) {
      problems.push(`table ${table.id || table.className || "?"} is ${Math.round(t.width)} px ` +
                    `wide in a box of ${Math.round(b.width)}`);
    }
    for (const control of table.querySelectorAll("a, button, select, input")) {
      const r = control.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;  // below the fold
      const hit = document.elementFromPoint(x, y);
      if (hit === null) continue;  // outside the viewport after all: nothing can cover it
      if (hit !== control && !control.contains(hit)) {
        problems.push(`${control.tagName} "${control.textContent.trim().slice(0, 20)}" ` +
                      `in ${table.id || "a table"} is covered by ${hit && hit.tagName}`);
      }
    }
  }
  return problems;
}"""


@pytest.fixture
def busy_floor(platform):
    support = a_queue(name="Customer support", entry="webchat:*", dispositions=("resolved",))
    billing = a_queue(name="Billing and payments", entry=None)
    boss = an_agent(support, billing, username="boss", supervisor=True, available=False)
    boss.set_password(PASSWORD)
    boss.save()
    agents = [
        an_agent(support, billing, username=f"agent-with-a-longish-name-{n}", capacity_webchat=3)
        for n in range(6)
    ]
    for n in range(10):
        ingest(chat_message(text=f"Question {n}: my order has not arrived and I wonder why"))
    router.route_once()
    for row in Interaction.objects.filter(state="offered")[:4]:
        offers.accept_offer(row.id, row.offer_id, row.offer_agent_id)
    for row in Interaction.objects.filter(state="active")[:2]:  # closed: to score
        offers.end_conversation(row.id, row.agent_id)
        offers.wrap_up(row.id, row.agent_id, disposition="resolved")
    return platform, agents


def test_no_table_runs_out_of_its_panel_on_a_desktop_screen(browser, busy_floor):
    base, _ = busy_floor
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/?next=/supervisor/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#connection")).to_have_text("live")
    problems = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        for path in PAGES:
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            if path == "/supervisor/":
                expect(page.locator("#agents tbody tr").first).to_be_visible()
            found = page.evaluate(MEASURE)
            # A supervisor who is not staff is shown no link they would get a 403 for.
            if page.locator("a[href^='/admin/']").count():
                found.append("a link into admin, which this supervisor may not open")
            if found:
                problems[f"{path} at {width}px"] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
