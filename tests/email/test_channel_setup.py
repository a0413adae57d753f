"""Setting an inbox up: one place in admin (its queue becomes routing's entry point), the
demo tenant's inbox, the listener `make run` starts, and the index projection's rebuild."""

import io
import os
import re
import smtplib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from channels_adapters.email import intake
from channels_adapters.email.inboxes import Inbox
from channels_adapters.email.listener import embedded
from channels_adapters.email.models import AttachmentRef, EmailChannel, MessageRef
from contactcenter.events import projections
from contactcenter.workers import supervision
from routing.models import EntryPoint
from tests.email.conftest import mail
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def entry_points() -> dict[str, str]:
    return {e.channel_key: e.queue.name for e in EntryPoint.objects.filter(channel="email")}


def test_an_inboxs_queue_is_routings_entry_point_and_follows_every_change():
    sales, support = a_queue("Sales", entry=None), a_queue("Support", entry=None)
    channel = EmailChannel.objects.create(
        name="Shop", addresses="sales@example.com\norders@example.com", queue=sales
    )
    assert entry_points() == {"sales@example.com": "Sales", "orders@example.com": "Sales"}

    channel.addresses = "sales@example.com"
    channel.queue = support
    channel.save()
    assert entry_points() == {"sales@example.com": "Support"}

    channel.active = False
    channel.save()
    assert entry_points() == {}

    channel.active = True
    channel.save()
    channel.delete()
    assert entry_points() == {}


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-for-tests"))
    return client


def test_admin_creates_an_inbox_and_shows_where_to_point_the_mail(admin_client):
    queue = a_queue("Support", entry=None)
    form = {
        "name": "Postmark inbox",
        "active": "on",
        "addresses": "help@example.com",
        "queue": queue.pk,
        "intake": "postmark",
        "webhook_secret": "pm:secret",
        "signing_key": "",
        "sns_certificate_url": r"^https://sns\.[a-z0-9-]+\.amazonaws\.com/[^?#]+\.pem$",
        "sns_topic_arn": "",
        "from_name": "Help",
        "from_address": "",
        "mailer": "default",
        "auto_acknowledge": "on",
        "acknowledgement_template": "Hello {customer_name}, about {subject}",
        "reopen_window_seconds": "",
        "max_message_bytes": "1000000",
        "sender_limit_per_hour": "30",
    }

    created = admin_client.post("/admin/email/emailchannel/add/", form)
    assert created.status_code == 302, created.content.decode()
    channel = EmailChannel.objects.get()
    page = admin_client.get(f"/admin/email/emailchannel/{channel.pk}/change/")

    assert "/hooks/email/postmark/inbound/" in page.text and "pm:secret@" in page.text
    assert entry_points() == {"help@example.com": "Support"}


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"intake": "postmark", "webhook_secret": ""}, "user:password"),
        ({"intake": "mailgun"}, "signing key"),
        ({"acknowledgement_template": "Hi {name}"}, "Unknown fields: name"),
        ({"addresses": "not an address"}, "Not plain e-mail addresses"),
        ({"addresses": "support+x@example.com"}, "Not plain e-mail addresses"),
        ({"mailer": "nowhere"}, "No mailer"),
    ],
)
def test_admin_refuses_a_configuration_that_cannot_work(fields, error):
    from django.core.exceptions import ValidationError

    channel = EmailChannel(**{"name": "x", "addresses": "x@example.com", **fields})
    with pytest.raises(ValidationError) as refused:
        channel.full_clean()
    assert error in str(refused.value)


def test_an_inbox_cannot_belong_to_two_channels():
    from django.core.exceptions import ValidationError

    EmailChannel.objects.create(name="One", addresses="shared@example.com")
    with pytest.raises(ValidationError, match="Already an inbox of another channel"):
        EmailChannel(name="Two", addresses="shared@example.com").full_clean()


def test_the_demo_tenant_has_support_at_example_com_fed_to_support():
    call_command("seed_demo", stdout=io.StringIO())

    channel = EmailChannel.objects.get()
    assert channel.inboxes == ["support@example.com"] and channel.queue.name == "Support"
    assert entry_points()["support@example.com"] == "Support"


def test_make_run_starts_the_listener_on_the_port_it_is_given_and_none_for_0():
    assert embedded(smtp_port=0) is None
    listener = embedded(smtp_port=0 or _free_port(), host="127.0.0.1")
    try:
        assert (listener.name, listener.host) == ("smtp", "127.0.0.1")
        listener.start()
        assert listener.is_alive()
    finally:
        listener.stop()
        listener.join(timeout=5)
    assert not listener.is_alive()


def test_make_run_reports_its_listener_healthy_beside_the_loops():
    """`make run` starts the listener under the same watchdog as the loops: it must answer
    the watchdog and /healthz like them (a listener without health() broke both)."""
    supervisor = supervision.start(
        "embedded",
        on_fatal=pytest.fail,
        only=frozenset({"smtp"}),
        smtp_port=_free_port(),
        host="127.0.0.1",
    )
    try:
        report = {item["name"]: item for item in supervisor.health()}
    finally:
        supervisor.stop()
    assert report["smtp"]["alive"] and report["smtp"]["healthy"], report["smtp"]
    assert not supervisor.fatal


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_rebuilding_the_email_indexes_arrives_at_the_live_rows(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    channel = EmailChannel.objects.create(
        name="S", addresses="support@example.com", queue=a_queue("S", entry=None)
    )
    inbox = Inbox(channel, "support@example.com")
    first = mail(message_id="<r1@example.org>")
    first.add_attachment(b"data", maintype="application", subtype="pdf", filename="x.pdf")
    intake.receive(inbox, first.as_bytes())
    intake.receive(inbox, mail(In_Reply_To="<r1@example.org>", text="again").as_bytes())

    def rows():
        return (
            sorted(MessageRef.objects.values_list()),
            sorted(AttachmentRef.objects.values_list()),
        )

    live = rows()
    projections.rebuild(projections.get("email"))

    assert rows() == live and len(live[0]) == 3  # two messages in, one acknowledgement out
    assert len(live[1]) == 1


@pytest.mark.django_db(transaction=True)
def test_manage_py_run_smtp_takes_mail_for_the_demo_inbox(tmp_path):
    """The command a user runs, as its own process, against a database of its own."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=300)
    server = subprocess.Popen(
        [*manage, "run_smtp", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        line = server.stdout.readline()
        port = int(re.search(r":(\d+)$", line.strip()).group(1))
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            refused = client.send_message(mail(subject="Hello from swaks"))
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert refused == {} and server.returncode == 0
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        states = db.execute("SELECT state, subject FROM interactions_interaction").fetchall()
    assert states == [("queued", "Hello from swaks")]
