"""A channel is a plugin (issue 15): WhatsApp and Messenger were added as their own folders,
one INSTALLED_APPS line each and documentation, touching no core module. Nothing outside those
folders, the settings, the docs and the tests names them; and what the core knows about a
channel it reads from the registry their AppConfig.ready() filled."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import resolve

from channels_adapters import base

ROOT = Path(__file__).resolve().parents[1]
THEIR_FOLDERS = ("channels_adapters/whatsapp", "channels_adapters/messenger")
# Meta's shared provider package (signature, handshake, Graph API): theirs too, as
# channels_adapters/twilio is SMS's and voice's.
SHARED = ("channels_adapters/meta",)
ALLOWED = (*THEIR_FOLDERS, *SHARED, "contactcenter/settings.py", "docs", "tests")
SOURCES = ("contactcenter", "crm", "routing", "channels_adapters", "templates", "bench")
TOP_FILES = ("pyproject.toml", "Makefile", "manage.py")
NAMES = ("whatsapp", "messenger", "instagram")


def core_files():
    for top in SOURCES:
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                yield path
    for name in TOP_FILES:
        if (ROOT / name).exists():
            yield ROOT / name


def test_no_file_outside_their_folders_settings_and_docs_names_the_new_channels():
    offenders = []
    for path in core_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(ALLOWED):
            continue
        content = path.read_bytes().decode("utf-8", "replace").lower()
        offenders += [f"{relative}: {name}" for name in NAMES if name in content]
    assert offenders == []


def test_each_is_one_installed_app_registering_its_channel_in_ready():
    for folder, channel in zip(THEIR_FOLDERS, ("whatsapp", "messenger"), strict=True):
        app = folder.replace("/", ".")
        assert settings.INSTALLED_APPS.count(app) == 1
        assert apps.get_app_config(channel).name == app
        registered = base.channel(channel)
        assert registered is not None
        assert type(registered.adapter).__module__.startswith(app)


@pytest.mark.parametrize(
    "path, view",
    [
        ("/hooks/whatsapp/", "channels_adapters.whatsapp.views.hook"),
        ("/hooks/messenger/", "channels_adapters.messenger.views.hook"),
        ("/hooks/twilio/sms/", "channels_adapters.sms.views.inbound"),
        ("/hooks/twilio/voice/status/", "channels_adapters.voice.views.status"),
        ("/hooks/slack/events/", "channels_adapters.slack.views.events"),
        ("/hooks/email/mailgun/inbound/", "channels_adapters.email.webhooks.inbound"),
        ("/widget.js", "channels_adapters.webchat.views.widget_js"),
    ],
)
def test_every_adapters_public_paths_are_mounted_the_same_way(path, view):
    match = resolve(path)
    assert f"{match.func.__module__}.{match.func.__name__}" == view


def test_what_the_core_knew_by_name_is_derived_from_the_registry():
    assert set(base.names()) >= {
        "webchat",
        "email",
        "sms",
        "voice",
        "slack",
        "whatsapp",
        "messenger",
    }
    assert base.realtime() == {"webchat", "voice"}
    assert {"email", "sms", "slack", "whatsapp", "messenger"} <= base.asynchronous()
    assert base.exclusive() == {"voice"}
    assert base.identity_kind("whatsapp") == "phone"
    assert base.identity_kind("messenger") == "messenger"
    assert not base.channel("email").self_service
    assert base.channel("voice").max_capacity == 1
    assert base.channel("slack").alerts is not None
    assert base.channel("sms").console is not None and base.channel("whatsapp").console is not None
