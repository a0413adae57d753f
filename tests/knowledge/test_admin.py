"""Articles in Django admin: saving publishes a version through the aggregate (an event),
a refusal is the form's error, nothing is deleted, every version is listed."""

import pytest
from django.contrib.auth.models import User

from contactcenter.events import store
from contactcenter.knowledge.models import Article, Category
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-for-tests"))
    Category.objects.create(slug="account", name="Your account")
    return client


def form(**fields) -> dict:
    return {
        "title": "Reset your password",
        "slug": "reset-password",
        "category": "account",
        "body": "Choose **Forgot password**.",
        "public": "on",
        "skills_text": "",
        **fields,
    }


def test_adding_and_editing_an_article_publishes_versions(admin_client):
    queue = a_queue("Support")
    assert admin_client.post("/admin/knowledge/article/add/", form()).status_code == 302
    article = Article.objects.get()
    edited = form(body="Choose **Forgot password** on the sign-in page.", queues=[queue.pk])
    answer = admin_client.post(f"/admin/knowledge/article/{article.pk}/change/", edited)
    assert answer.status_code == 302

    events = store.read_stream(f"article-{article.pk}")
    assert [(e.type, e.data["version"]) for e in events] == [
        ("ArticlePublished", 1),
        ("ArticlePublished", 2),
    ]
    assert events[1].data["queue_ids"] == [queue.pk]
    assert events[1].data["editor"] == "root"
    assert events[1].actor.startswith("admin:")
    page = admin_client.get(f"/admin/knowledge/article/{article.pk}/change/").text
    assert "v1 · " in page and "v2 · " in page


def test_a_save_that_changes_nothing_or_takes_anothers_address_is_the_forms_error(admin_client):
    admin_client.post("/admin/knowledge/article/add/", form())
    article = Article.objects.get()
    same = admin_client.post(f"/admin/knowledge/article/{article.pk}/change/", form())
    assert same.status_code == 200 and "nothing changed" in same.text
    taken = admin_client.post("/admin/knowledge/article/add/", form(title="Another"))
    assert taken.status_code == 200 and "is another article&#x27;s" in taken.text
    unknown = admin_client.post("/admin/knowledge/article/add/", form(slug="x", skills_text="nope"))
    assert "no such skill: nope" in unknown.text
    assert len(store.read_stream(f"article-{article.pk}")) == 1


def test_articles_are_archived_never_deleted(admin_client):
    admin_client.post("/admin/knowledge/article/add/", form())
    article = Article.objects.get()
    assert admin_client.get(f"/admin/knowledge/article/{article.pk}/delete/").status_code == 403
    admin_client.post(
        "/admin/knowledge/article/",
        {"action": "archive", "_selected_action": [article.pk]},
    )
    assert Article.objects.get().archived
    assert [e.type for e in store.read_stream(f"article-{article.pk}")][-1] == "ArticleArchived"
