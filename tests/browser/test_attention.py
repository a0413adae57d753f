"""Attention in Chromium: the tab title counts what waits for the agent, an offer rings again
and again until it is answered (with the sound the agent chose, kept on the server), and a
desktop notification shows when the agent allowed them and is looking elsewhere."""

import pytest
from playwright.sync_api import expect

from contactcenter.inbox.models import AgentSettings
from tests.browser.inbox_world import a_chat, log_in, support_center

pytestmark = pytest.mark.django_db(transaction=True)

# Counts the tones the page plays and the notifications it shows, passing both through; the
# agent is looking at another window.
LISTEN = """
window.__tones = [];
window.__notes = [];
const create = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  const tone = create.call(this);
  const start = tone.start.bind(tone);
  tone.start = function (when) { window.__tones.push(tone.frequency.value); return start(when); };
  return tone;
};
const Real = window.Notification;
window.Notification = function (title, options) {
  window.__notes.push(title);
  try { return new Real(title, options); } catch (e) { return {}; }
};
Object.defineProperty(window.Notification, "permission", { get: () => Real.permission });
window.Notification.requestPermission = () => Real.requestPermission();
document.hasFocus = () => false;
"""


@pytest.mark.full_chromium  # the headless shell denies desktop notifications
def test_an_offer_rings_until_answered_with_the_agents_sound_and_a_notification(browser, platform):
    support_center(agent1=True)
    context = browser.new_context()
    context.grant_permissions(["notifications"], origin=platform)
    context.add_init_script(LISTEN)
    page = log_in(browser, platform, "agent1", context=context)
    expect(page.locator("#notify-button")).to_be_hidden()  # already allowed
    page.select_option("#ring-sound", "bell")
    for _ in range(100):
        if AgentSettings.objects.filter(ring_sound="bell").exists():
            break
        page.wait_for_timeout(100)
    page.reload()
    expect(page.locator("#connection")).to_have_text("connected")
    expect(page.locator("#ring-sound")).to_have_value("bell")
    assert page.title() == "Console — Contact center"

    a_chat(text="Anyone there?", name="Rita Ring")
    expect(page.locator(".offer")).to_be_visible(timeout=15000)
    # Once the inbox has it too (Mine, one unread): one chat, counted once.
    expect(page.get_by_role("tab", name="Mine 1 unread")).to_be_visible(timeout=15000)
    expect(page).to_have_title("(1) Console — Contact center")
    # The card pulses, unless the agent's system asks for less motion (as the tests' browsers do).
    card = page.locator(".offer")
    page.emulate_media(reduced_motion="no-preference")
    assert card.evaluate("card => getComputedStyle(card).animationName") == "pulse"
    page.emulate_media(reduced_motion="reduce")
    assert card.evaluate("card => getComputedStyle(card).animationName") == "none"
    # Bell: two 660 Hz tones a ring; rung again while nobody answers.
    for _ in range(150):
        if page.evaluate("window.__tones.filter(f => f === 660).length") >= 4:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__tones.filter(f => f === 660).length") >= 4
    assert page.evaluate("window.__notes") == ["New offer: Rita Ring"]

    page.locator(".offer button.accept").click()
    expect(page.locator("#thread-title")).to_have_text("Rita Ring")
    expect(page).to_have_title("Console — Contact center")
    rung = page.evaluate("window.__tones.length")
    page.wait_for_timeout(4000)  # longer than a ring's interval
    assert page.evaluate("window.__tones.length") == rung  # answered: the ringing stopped
