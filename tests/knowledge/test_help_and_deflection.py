"""The public help page and the widget's search: search, read, rate — each a help-visit
event — and deflection counted from them."""

import uuid

import pytest

from contactcenter.knowledge import reports
from contactcenter.knowledge.models import HelpVisit

pytestmark = pytest.mark.django_db


def test_the_help_page_lists_categories_and_finds_articles(client, kb):
    page = client.get("/help/")
    assert page.status_code == 200
    assert "Orders and delivery" in page.content.decode()
    found = client.get("/help/", {"q": "my parcel never arrived but says delivered"})
    assert 'href="/help/parcel-lost/"' in found.content.decode()
    visit = HelpVisit.objects.get()
    assert (visit.source, visit.searches) == ("help_page", 1)


def test_an_article_page_shows_sanitised_html_and_a_yes_is_a_deflection(client, kb):
    page = client.get("/help/reset-password/")
    assert "<strong>Forgot password</strong>" in page.content.decode()
    client.post("/help/reset-password/rate/", {"helpful": "yes"})
    [visit] = HelpVisit.objects.all()
    assert (visit.viewed, visit.helpful, visit.deflected) == ([kb["reset-password"]], True, True)
    assert client.get("/help/no-such-thing/").status_code == 404


def test_the_widget_searches_reads_and_rates_and_a_chat_after_is_not_deflected(client, kb):
    visit, other = str(uuid.uuid4()), str(uuid.uuid4())
    typed = client.get("/help/api/search/", {"q": "refund", "visit": visit, "channel": "demo"})
    assert typed.json()["results"][0]["title"] == "When will I get my refund?"
    assert not HelpVisit.objects.exists()  # type-ahead is not recorded
    client.get(
        "/help/api/search/", {"q": "refund", "visit": visit, "channel": "demo", "record": "1"}
    )
    article = client.get(
        f"/help/api/articles/{kb['refund-status']}/", {"visit": visit, "channel": "demo"}
    ).json()
    assert "5 working days" in article["html"]
    rate = {"visit": visit, "channel": "demo", "article_id": kb["refund-status"], "helpful": True}
    assert client.post("/help/api/feedback/", rate, content_type="application/json").json() == {
        "ok": True
    }
    client.get(f"/help/api/articles/{kb['return-item']}/", {"visit": other, "channel": "demo"})
    client.post(
        "/help/api/escalated/", {"visit": other, "channel": "demo"}, content_type="application/json"
    )

    [widget] = reports.deflection()["sources"]
    assert (widget["visits"], widget["searches"], widget["deflected"], widget["escalated"]) == (
        2,
        1,
        1,
        1,
    )
    assert widget["rate"] == 0.5


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/help/api/feedback/", b"not json"),
        ("/help/api/feedback/", b'{"visit": "nope", "article_id": "x", "helpful": true}'),
        ("/help/api/escalated/", b'{"visit": "not-a-uuid"}'),
    ],
)
def test_bad_input_is_a_400_in_words(client, kb, path, body):
    answer = client.post(path, body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_internal_articles_stay_off_the_help_page_and_the_widget(client, kb):
    from contactcenter.knowledge import commands, search
    from contactcenter.knowledge.domain import Draft

    internal = commands.publish_article(
        None,
        Draft(slug="fraud-steps", title="Fraud check steps", body="Ask for…", public=False),
        editor="ann",
    )
    search.forget()
    assert client.get("/help/fraud-steps/").status_code == 404
    assert client.get(f"/help/api/articles/{internal}/").status_code == 404
    found = client.get("/help/api/search/", {"q": "fraud check steps"}).json()["results"]
    assert internal not in [r["id"] for r in found]


def test_one_address_records_only_so_many_steps_a_minute(client, kb, settings):
    settings.KNOWLEDGE_HELP_EVENTS_PER_IP_PER_MINUTE = 2
    visit = str(uuid.uuid4())
    for _ in range(3):
        found = client.get("/help/api/search/", {"q": "refund", "visit": visit, "record": "1"})
        assert found.status_code == 200 and found.json()["results"]
    rate = {"visit": visit, "article_id": kb["refund-status"], "helpful": True}
    refused = client.post("/help/api/feedback/", rate, content_type="application/json")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert HelpVisit.objects.get().searches == 2


def test_the_report_page_shows_deflection_and_the_virtual_agent_by_flow(client, kb):
    from django.contrib.auth.models import Group, User

    from contactcenter.roles import SUPERVISORS

    client.post("/help/reset-password/rate/", {"helpful": "yes"})
    boss = User.objects.create_user("boss", password="pw-for-tests")
    boss.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(boss)
    page = client.get("/supervisor/knowledge/")
    assert page.status_code == 200
    assert "No conversation with a virtual agent yet." in page.text
    assert "<td>help_page</td><td>1</td>" in page.text
