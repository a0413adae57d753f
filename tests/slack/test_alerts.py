"""Supervisor alerts go to the Slack channel configured for them."""

import pytest

from channels_adapters.slack.alerts import post_alert

pytestmark = pytest.mark.django_db


def test_an_alert_is_posted_to_the_configured_alerts_channel(slack, fake):
    slack.alerts_channel = "C0ALERTS"
    slack.save()

    assert post_alert("Support is at 62% within 30 s (target 80%) <!channel>") == 1

    (posted,) = fake.posted()
    assert posted == {
        "channel": "C0ALERTS",
        "text": "Support is at 62% within 30 s (target 80%) &lt;!channel&gt;",
    }


def test_no_alerts_channel_means_no_post_and_a_slack_failure_never_raises(slack, fake):
    assert post_alert("nobody listens") == 0
    slack.alerts_channel = "C0ALERTS"
    slack.save()
    fake.answer_next(200, {"ok": False, "error": "channel_not_found"})

    assert post_alert("Support below target") == 0
    assert len(fake.calls) == 1
