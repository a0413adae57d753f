"""The Slack channel as configured in admin: routing follows its queue, the demo secret works."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from channels_adapters.slack.models import SlackChannel
from contactcenter.interactions.models import Interaction
from routing.models import EntryPoint, Queue
from tests.routing.builders import a_queue
from tests.slack.payloads import envelope, message, post_event

pytestmark = pytest.mark.django_db


def test_the_channels_queue_is_kept_as_routings_entry_point(slack, support):
    billing = a_queue("Billing", entry=None)

    assert EntryPoint.objects.get(channel="slack", channel_key="T0CUSTOMR").queue == support
    slack.queue = billing
    slack.save()
    assert EntryPoint.objects.get(channel="slack", channel_key="T0CUSTOMR").queue == billing
    slack.team_id = "T0OTHER"
    slack.save()
    assert list(
        EntryPoint.objects.filter(channel="slack").values_list("channel_key", flat=True)
    ) == ["T0OTHER"]
    slack.delete()
    assert not EntryPoint.objects.filter(channel="slack").exists()


def test_the_demo_tenants_slack_channel_takes_requests_signed_with_the_demo_secret(client):
    call_command("seed_demo", stdout=io.StringIO())

    answer = post_event(
        client, envelope(message("Hello demo"), team="T0ANYONE"), secret="demo-slack-signing-secret"
    )

    assert answer.status_code == 200
    interaction = Interaction.objects.get()
    assert interaction.queue_id == Queue.objects.get(name="Support").pk
    assert SlackChannel.objects.get().team_id == "*"


def test_the_admin_page_never_shows_the_secrets_in_plain_text(client, slack):
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw-for-tests"))

    page = client.get(f"/admin/slack/slackchannel/{slack.pk}/change/")

    assert page.status_code == 200
    assert 'type="password"' in page.text and "/hooks/slack/events/" in page.text
