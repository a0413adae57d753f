"""Report pages: supervisors only, figures from the facts, charts drawn from a vendored
library, CSV export, and clear 400s for bad requests."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.roles import AGENTS, SUPERVISORS
from routing.models import Queue
from tests.kpis.test_kpis_by_hand import ALICE, DAY, Q1, project, the_morning

pytestmark = pytest.mark.django_db(transaction=True)
RANGE = f"from={DAY}&to={DAY}"


def user(name: str, group: str, **fields) -> User:
    person = User.objects.create_user(
        name, password="pw-for-tests", first_name=name.title(), **fields
    )
    person.groups.add(Group.objects.get_or_create(name=group)[0])
    return person


@pytest.fixture
def supervisor(client):
    # An id of their own: one drawn from the sequence could be the morning's Alice's (after
    # other tests in the same database), whose create_user would then have saved over this
    # user and ended their session: a 302 to the login page, in some runs.
    client.force_login(user("sam", SUPERVISORS, pk=1_000 + ALICE))
    return client


def test_agents_get_403_and_strangers_the_login_page(client):
    client.force_login(user("ann", AGENTS))
    assert client.get("/supervisor/reports/queue/").status_code == 403
    assert client.get("/supervisor/staffing/").status_code == 403
    client.logout()
    response = client.get("/supervisor/reports/queue/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_queue_report_shows_the_facts_with_names_and_a_chart(supervisor):
    Queue.objects.create(pk=Q1, name="Support <desk>", channels=["webchat"])
    the_morning()
    project()

    page = supervisor.get(f"/supervisor/reports/queue/?{RANGE}")

    assert page.status_code == 200
    assert "Support &lt;desk&gt;" in page.text  # escaped
    row = page.text.split("Support &lt;desk&gt;")[1].split("</tr>")[0]
    assert "<td>5</td>" in row and "33.3 %" in row and "3:38" in row  # offered, SL, ASA 218 s
    assert "/static/vendor/chartjs/chart.umd.js" in page.text
    assert 'id="chart-data"' in page.text


def test_the_agent_report_exports_csv_with_raw_figures(supervisor):
    User.objects.create_user("alice", pk=ALICE, first_name="Alice")
    the_morning()
    project()

    response = supervisor.get(f"/supervisor/reports/agent/?{RANGE}&format=csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    alice = next(r for r in rows if r["Agent"] == "Alice")
    assert alice["Inbound handled"] == "3" and alice["Inbound AHT (s)"] == "260"
    assert float(alice["Occupancy (ratio)"]) == pytest.approx(300 / 4500, abs=1e-4)
    assert rows[-1]["Agent"] == "All"


def test_the_interval_report_adds_contacts_and_staffing_per_hour(supervisor):
    the_morning()
    project()

    page = supervisor.get(f"/supervisor/reports/interval/?{RANGE}&grain=hour&format=csv")

    rows = {r["Interval"]: r for r in csv.DictReader(io.StringIO(page.content.decode()))}
    nine = rows["09:00"]  # one day: the hours alone
    assert nine["Offered"] == "5"  # contacts: a, b, c, d on chat and f on SMS
    assert rows["All"]["Offered"] == "6"  # and e by email at 10:00
    # 09:00-10:00: Alice available 45 min, Bob 30; capacity used 210 s and 360 s
    assert float(nine["Occupancy (ratio)"]) == pytest.approx((210 + 360) / 4500, abs=1e-4)


@pytest.mark.parametrize(
    "query",
    ["from=2026-13-01", "from=2026-03-05&to=2026-03-01", "from=2024-01-01&to=2026-01-01"],
)
def test_bad_ranges_are_a_400_with_the_reason(supervisor, query):
    response = supervisor.get(f"/supervisor/reports/queue/?{query}")
    assert response.status_code == 400 and "Bad report request" in response.text


def test_an_unknown_report_is_a_400(supervisor):
    assert supervisor.get("/supervisor/reports/weather/").status_code == 400
    assert supervisor.get("/supervisor/reports/interval/?grain=year").status_code == 400
