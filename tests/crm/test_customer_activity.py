"""The customers' activity, a projection that follows the log behind the live path."""

import pytest

from contactcenter.events import projections
from contactcenter.interactions.ingest import ingest
from crm.models import CustomerActivity
from tests import statements
from tests.factories import chat_message
from tests.kpis.follow import catch_up_fully

pytestmark = pytest.mark.django_db(transaction=True)


def activity_reads(run: list[str]) -> list[str]:
    table = CustomerActivity._meta.db_table
    return [
        sql
        for sql in statements.of_the_work(run)
        if sql.lstrip().upper().startswith("SELECT") and table in sql
    ]


def test_a_catch_up_round_reads_the_activity_of_all_its_customers_in_one_statement():
    """Read customer by customer, a worker's round of twenty new chats was twenty reads."""
    projector = projections.get("customer_activity")
    known = ingest(chat_message(visitor="regular"))
    catch_up_fully(projector)
    again = ingest(chat_message(visitor="regular", start_new=True))
    new = [ingest(chat_message(visitor=f"newcomer-{n}")) for n in range(4)]

    with statements.recorded() as run:
        projections.catch_up(projector)

    assert len(activity_reads(run)) == 1, run
    assert again.customer_id == known.customer_id
    assert CustomerActivity.objects.get(pk=known.customer_id).interactions == 2
    for interaction in new:
        activity = CustomerActivity.objects.get(pk=interaction.customer_id)
        assert activity.interactions == 1 and activity.by_channel == {"webchat": 1}
