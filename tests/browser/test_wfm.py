"""Workforce management in Chromium: a supervisor forecasts a queue (WAPE beside it),
generates a schedule, edits a shift and publishes it; the agent finds it under My schedule;
the intraday what-if and the adherence page answer."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_chat_end_to_end import PASSWORD, watched
from tests.wfm.builders import center, supervisor

pytestmark = pytest.mark.django_db(transaction=True)
SHIFT = "06:00\u201310:00"  # as the pages show it, with an en dash


def page_for(browser, platform, username, where):
    page = watched(browser.new_context().new_page())
    page.goto(f"{platform}{where}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return page


def test_forecast_schedule_publish_and_my_schedule(browser, platform):
    first_day = timezone.localdate() + timedelta(days=1)
    queue, people = center(first_day, agents=4)
    supervisor("boss")  # (the builders' password is PASSWORD)
    for user in people:
        user.set_password(PASSWORD)
        user.save()

    page = page_for(browser, platform, "boss", "/supervisor/wfm/")
    form = page.locator("#plan-form")
    form.locator("select[name=queue]").select_option(str(queue.pk))
    form.locator("input[name=day]").fill(first_day.isoformat())
    form.locator("input[name=shrinkage]").fill("25")
    form.locator("button").click()
    expect(page.locator("#plan tbody tr").first).to_be_visible()
    expect(page.locator("#wape-hw")).to_contain_text("%")
    expect(page.locator("#wape-naive")).to_contain_text("%")
    assert int(page.locator("#peak").inner_text()) > 0

    page.click("text=Schedules")
    generate = page.locator("#generate-form")
    generate.locator("input[name=day]").fill(first_day.isoformat())
    generate.locator("input[name=days]").fill("2")
    generate.locator("input[name=time_limit]").fill("5")
    generate.locator("button").click()
    expect(page.locator("#status")).to_contain_text("Draft")
    expect(page.locator("#shifts tbody tr").first).to_be_visible()

    edit = page.locator("#edit-form")
    edit.locator("select[name=agent_id]").select_option(str(people[0].pk))
    edit.locator("input[name=start]").fill("06:00")
    edit.locator("input[name=end]").fill("10:00")
    edit.locator("input[name=breaks]").fill("break 08:00-08:15")
    edit.locator("input[name=reason]").fill("early cover")
    edit.locator("button").click()
    row = page.locator("#shifts tbody tr", has_text=SHIFT)
    expect(row).to_contain_text("edited")
    expect(row).to_contain_text("break 08:00-08:15")

    edit.locator("input[name=start]").fill("10:00")
    edit.locator("input[name=end]").fill("06:00")
    edit.locator("button").click()
    expect(page.locator("#error")).to_contain_text("ends after it starts")

    page.locator("#publish-form button").click()
    expect(page.locator("#status")).to_contain_text("Published")

    agent = page_for(browser, platform, people[0].username, "/console/")
    agent.click("text=My schedule")
    expect(agent.locator("#my-schedule")).to_contain_text(SHIFT)
    expect(agent.locator("#my-schedule")).to_contain_text("break 08:00")

    page.click("text=Intraday")
    whatif = page.locator("#whatif-form")
    whatif.locator("select[name=queue]").select_option(str(queue.pk))
    whatif.locator("input[name=extra_agents]").fill("3")
    whatif.locator("button").click()
    expect(page.locator("#intraday tbody tr").first).to_be_visible()
    future = page.locator("#intraday tbody tr:not(.past) td.staffed")
    if future.count():  # (none left after the last interval of the day)
        assert int(future.last.inner_text()) >= 3

    page.click("text=Adherence")
    expect(page.locator("#live")).to_be_visible()
    expect(page.locator("#report")).to_be_visible()
