"""QA reads how the customer felt: the scoring page's transcript shows each customer
message's sentiment."""

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.roles import SUPERVISORS
from tests.quality.test_quality_workflow import a_closed_chat

pytestmark = pytest.mark.django_db


def test_the_scoring_page_shows_each_customer_messages_sentiment(client):
    sam = User.objects.create_user("sam", password="pw-for-tests")
    sam.groups.add(Group.objects.get_or_create(name=SUPERVISORS)[0])
    client.force_login(sam)
    interaction_id, _ = a_closed_chat(text="This is unacceptable, my parcel is lost again!")
    page = client.get(f"/supervisor/quality/score/{interaction_id}/")
    assert page.status_code == 200
    assert '<span class="sentiment negative"' in page.text
