"""The quality program in Chromium: a QA specialist lets a sampling rule pick low-rated chats
to score, then opens a calibration; two evaluators score the same chat blind in their own
browsers, and once both have, the report shows where each one parts from the consensus.
A supervisor plans coaching from an evaluation; the agent acknowledges it beside their trend
per criterion, and the QA report counts it."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from contactcenter.interactions.models import Interaction
from contactcenter.quality.models import SamplingRule
from contactcenter.roles import QA_SPECIALISTS, SUPERVISORS
from tests.browser.test_chat_end_to_end import PASSWORD, watched
from tests.quality.test_quality_workflow import a_closed_chat, a_scorecard

pytestmark = pytest.mark.django_db(transaction=True)


def person(username: str, group: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name=username.title())
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def page_for(browser, platform, username: str):
    page = watched(browser.new_context().new_page())
    page.goto(f"{platform}/supervisor/quality/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Quality")
    return page


def score(page, points: list[str]) -> None:
    for select, value in zip(page.locator("select[name^=c]").all(), points, strict=True):
        select.select_option(value)
    page.locator("button", has_text="Submit evaluation").click()


def test_sampling_then_a_blind_calibration_and_its_report(browser, platform, screenshot):
    card, _ = a_scorecard()
    interaction_id, _ = a_closed_chat()
    Interaction.objects.filter(pk=interaction_id).update(csat_rating=1)
    SamplingRule.objects.create(name="Unhappy customers", kind="low_csat", scorecard=card)
    person("quinn", QA_SPECIALISTS)
    person("sam", SUPERVISORS)
    person("rita", QA_SPECIALISTS)

    quinn = page_for(browser, platform, "quinn")
    quinn.locator("button", has_text="Pick: Unhappy customers").click()
    expect(quinn.locator("#picked")).to_have_text("Picked 1 interaction.")
    expect(quinn.locator("#samples tbody tr").first).to_contain_text("CSAT 1")

    form = quinn.locator("#open-calibration")
    form.locator("input[name=evaluators]").nth(1).check()  # (ordered by name: quinn, rita, sam)
    form.locator("input[name=evaluators]").nth(2).check()
    form.locator("button").click()
    expect(quinn.locator("#calibration-blind")).to_be_visible()
    expect(quinn.locator("#calibration-evaluators")).to_contain_text("Rita: not yet")

    sam = page_for(browser, platform, "sam")
    sam.locator("#calibrations a", has_text="Score it").click()
    expect(sam.locator("#calibrating")).to_be_visible()
    score(sam, ["1", "1", "1"])
    expect(sam.locator("#calibration-evaluators")).to_contain_text("Sam: scored")
    expect(sam.locator("#calibration-report")).to_have_count(0)  # Rita has not scored

    rita = page_for(browser, platform, "rita")
    rita.locator("#calibrations a", has_text="Score it").click()
    expect(rita.locator(".note", has_text="Already evaluated")).to_have_count(0)
    score(rita, ["1", "0", "1"])

    report = rita.locator("#calibration-report")
    expect(report).to_be_visible()
    row = report.locator("#calibration-criteria tbody tr", has_text="Used the name")
    expect(row).to_contain_text("50 %")
    expect(row.locator("td.wide")).to_have_count(2)
    screenshot(rita, "quality-01-calibration-report")
    quinn.reload()
    expect(quinn.locator("#calibration-report")).to_be_visible()


def test_coaching_from_an_evaluation_to_the_agents_acknowledgement(browser, platform, screenshot):
    a_scorecard()
    interaction_id, agent = a_closed_chat()
    agent.set_password(PASSWORD)
    agent.save()
    person("sam", SUPERVISORS)

    sam = page_for(browser, platform, "sam")
    sam.goto(f"{platform}/supervisor/quality/score/{interaction_id}/")
    score(sam, ["1", "0", "1"])
    coaching = sam.locator("#plan-coaching")
    expect(coaching.locator("label", has_text="Used the name").locator("input")).to_be_checked()
    coaching.locator("textarea[name=goals]").fill("Use the customer's name twice")
    coaching.locator("button").click()
    expect(sam.locator("#coaching-status")).to_contain_text("Not held yet")
    sam.locator("#hold-coaching input[name=note]").fill("Listened to two calls together")
    sam.locator("#hold-coaching button").click()
    expect(sam.locator("#coaching-status")).to_contain_text("Held")

    mine = watched(browser.new_context().new_page())
    mine.goto(f"{platform}/console/quality/")
    mine.fill("input[name=username]", agent.username)
    mine.fill("input[name=password]", PASSWORD)
    mine.click("button[type=submit]")
    expect(mine.locator("#trend tbody tr", has_text="Used the name")).to_contain_text("0 %")
    expect(mine.locator("#trend svg.sparkline").first).to_be_visible()
    session = mine.locator("#coaching article")
    expect(session).to_contain_text("Use the customer's name twice")
    session.locator("input[name=comment]").fill("Will do")
    session.locator("button", has_text="Acknowledge").click()
    expect(mine.locator("#coaching article")).to_contain_text("You acknowledged it")
    screenshot(mine, "quality-02-my-quality")

    sam.goto(f"{platform}/supervisor/quality/report/")
    expect(sam.locator("#coaching-coverage")).to_contain_text("1 of them was coached")
    expect(sam.locator("#coaching-sessions tbody tr").first).to_contain_text(
        agent.get_full_name() or agent.username
    )
