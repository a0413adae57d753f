"""Every staff page is served with a Content-Security-Policy that runs only the platform's own
scripts and styles (no 'unsafe-inline', no 'unsafe-eval'), and the pages keep to it: no inline
script, style or event handler without the page's nonce. The widget's frame has its own
policy: only the channel's sites may embed it, and it talks only to its own server."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from channels_adapters.webchat.models import WebChatChannel
from tests.routing.builders import a_queue, an_agent

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/accounts/login/",
    "/console/",
    "/console/quality/",
    "/supervisor/",
    "/supervisor/reports/",
    "/supervisor/quality/",
    "/supervisor/staffing/",
    "/admin/",
    "/api/docs/",
]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def nonce_of(policy: dict[str, list[str]]) -> str | None:
    """The response's nonce; none when the page has no inline code to allow."""
    found = re.search(r"'nonce-([^']+)'", " ".join(policy["script-src"] + policy["style-src"]))
    return found.group(1) if found else None


class InlineCode(HTMLParser):
    """What a strict policy would block: inline code that does not carry the page's nonce."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.blocked: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on") or name == "style":
                self.blocked.append(f"<{tag} {name}=…>")
        inline_script = tag == "script" and "src" not in attributes
        executable = attributes.get("type", "text/javascript") in ("text/javascript", "module")
        carries_nonce = self.nonce is not None and attributes.get("nonce") == self.nonce
        if ((inline_script and executable) or tag == "style") and not carries_nonce:
            self.blocked.append(f"<{tag}> without the nonce")


def admin_pages() -> list[str]:
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return pages


@pytest.fixture
def supervisor(client):
    boss = an_agent(a_queue(name="Support"), username="boss", supervisor=True)
    boss.is_staff = boss.is_superuser = True
    boss.save()
    client.force_login(boss)
    return client


def test_every_staff_page_has_a_strict_policy_and_keeps_to_it(supervisor):
    offending = {}
    for path in STAFF_PAGES + admin_pages():
        response = supervisor.get(path, follow=True)
        assert response.status_code == 200, path
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"][0] == "'self'", (path, policy)
        for directive in ("default-src", "script-src", "style-src"):
            assert "'unsafe-inline'" not in policy.get(directive, []), (path, directive)
            assert "'unsafe-eval'" not in policy.get(directive, []), (path, directive)
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        parser = InlineCode(nonce_of(policy))
        parser.feed(response.text)
        if parser.blocked:
            offending[path] = parser.blocked
    assert not offending, offending


def test_the_widget_frame_may_be_embedded_only_by_its_sites_and_calls_only_home(client):
    WebChatChannel.objects.create(
        key="demo", name="Demo", allowed_origins="https://shop.example.com"
    )
    response = client.get("/widget/frame/demo/")
    policy = directives(response["Content-Security-Policy"])

    assert policy["frame-ancestors"] == ["'self'", "https://shop.example.com"]
    assert policy["connect-src"] == ["'self'", "ws://testserver"]
    assert "'unsafe-inline'" not in policy["style-src"] + policy["script-src"]
    parser = InlineCode(nonce_of(policy))
    parser.feed(response.text)
    assert not parser.blocked
