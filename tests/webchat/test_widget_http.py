"""The widget's HTTP side: loader, chat window, visitor session."""

import json

import pytest

from channels_adapters.webchat import tokens
from channels_adapters.webchat.models import WebChatChannel

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat():
    return WebChatChannel.objects.create(
        key="shop", name="Shop", allowed_origins="https://shop.example.com\n"
    )


def test_the_loader_is_one_script_that_adds_an_iframe(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert 'createElement("iframe")' in response.text and "data-channel" in response.text


def test_only_allowed_sites_may_frame_the_chat_window(client, chat):
    response = client.get("/widget/frame/shop/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://shop.example.com;" in policy
    assert "X-Frame-Options" not in response
    assert client.get("/widget/frame/nope/").status_code == 404


def test_a_session_gives_a_signed_token_and_renews_it_for_the_same_visitor(client, chat):
    first = client.post(
        "/widget/session/", json.dumps({"channel": "shop"}), content_type="application/json"
    ).json()
    again = client.post(
        "/widget/session/",
        json.dumps({"channel": "shop", "token": first["token"]}),
        content_type="application/json",
    ).json()

    assert tokens.verify(first["token"]).visitor_id == first["visitor_id"]
    assert again["visitor_id"] == first["visitor_id"]


def test_a_tampered_token_starts_a_new_visitor_rather_than_taking_over_one(client, chat):
    first = client.post(
        "/widget/session/", json.dumps({"channel": "shop"}), content_type="application/json"
    ).json()
    forged = first["token"][:-2] + ("AA" if not first["token"].endswith("AA") else "BB")
    again = client.post(
        "/widget/session/",
        json.dumps({"channel": "shop", "token": forged}),
        content_type="application/json",
    ).json()
    assert again["visitor_id"] != first["visitor_id"]


@pytest.mark.parametrize(
    ("body", "status"),
    [("not json", 400), (json.dumps({}), 400), (json.dumps({"channel": "nope"}), 404)],
)
def test_bad_session_requests_get_a_reason(client, chat, body, status):
    response = client.post("/widget/session/", body, content_type="application/json")
    assert response.status_code == status and response.json()["error"]


def test_allowed_origins_are_validated_in_admin(client, chat):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw-for-tests"))
    response = client.post(
        f"/admin/webchat/webchatchannel/{chat.pk}/change/",
        {
            "key": "shop",
            "name": "Shop",
            "allowed_origins": "shop.example.com/path",
            "title": "t",
            "greeting": "g",
            "offline_message": "o",
            "color": "#123456",
            "grace_seconds": 60,
            "messages_per_minute": 30,
            "topics-TOTAL_FORMS": 0,
            "topics-INITIAL_FORMS": 0,
        },
    )
    assert "is not an origin like https://example.com" in response.text
