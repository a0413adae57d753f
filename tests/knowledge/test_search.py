"""Articles published as events, their versions and embeddings in the projection, and the
hybrid search over them (scoped by queue, public or not, archived left out)."""

import numpy as np
import pytest

from contactcenter.events import projections, store
from contactcenter.knowledge import commands, embedding, ranking, search
from contactcenter.knowledge.domain import Draft
from contactcenter.knowledge.models import Article, ArticleVersion
from tests.routing.builders import a_queue

pytestmark = pytest.mark.django_db


def best(query: str, scope=None) -> str:
    return search.search(query, scope, k=3)[0].article.slug


def test_publishing_appends_an_event_and_the_projection_renders_and_embeds_it():
    article_id = commands.publish_article(
        None,
        Draft(slug="pay-later", title="Paying later", body="Pay by **invoice** within 14 days."),
        editor="ann",
    )
    [event] = store.read_stream(f"article-{article_id}")
    assert event.type == "ArticlePublished"
    row = Article.objects.get(pk=article_id)
    assert row.html == "<p>Pay by <strong>invoice</strong> within 14 days.</p>\n"
    version = ArticleVersion.objects.get(pk=f"{article_id}:1")
    assert version.model == embedding.MODEL
    vectors = embedding.from_bytes(version.vectors).reshape(version.passages, -1)
    assert vectors.shape == (2, embedding.DIMENSIONS)  # the title; the title with the paragraph
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_every_version_keeps_its_own_text_and_embedding():
    draft = Draft(slug="hours", title="Opening hours", body="We open at 8.")
    article_id = commands.publish_article(None, draft, editor="ann")
    commands.publish_article(
        article_id, Draft(slug="hours", title="Opening hours", body="We open at 9."), editor="bo"
    )
    first, second = ArticleVersion.objects.filter(article_id=article_id).order_by("number")
    assert (first.body, first.editor, second.body, second.editor) == (
        "We open at 8.",
        "ann",
        "We open at 9.",
        "bo",
    )
    assert first.vectors != second.vectors
    assert Article.objects.get(pk=article_id).number == 2


def test_search_finds_the_article_for_a_question_in_other_words(kb):
    assert best("I can't remember how to log in, my password is gone") == "reset-password"
    assert best("money back for a return") == "refund-status"
    assert best("the parcel says delivered but nothing arrived") == "parcel-lost"


def test_archived_articles_are_not_found(kb):
    commands.archive_article(kb["reset-password"], editor="ann")
    search.forget()
    assert best("I forgot my password") != "reset-password"


def test_an_article_of_a_queue_is_found_only_in_that_queue_or_without_one(kb):
    sales, billing = a_queue("Sales", entry=None), a_queue("Billing", entry=None)
    commands.publish_article(
        kb["promo-code"],
        Draft(
            slug="promo-code",
            title="My discount code does not work",
            body="Codes are case-sensitive and have an end date.",
            queue_ids=(sales.pk,),
        ),
        editor="ann",
    )
    search.forget()
    assert best("my voucher code is invalid", ranking.Scope(queue_id=sales.pk)) == "promo-code"
    found = search.search("my voucher code is invalid", ranking.Scope(queue_id=billing.pk), k=5)
    assert "promo-code" not in [r.article.slug for r in found]


def test_internal_articles_are_left_out_of_public_search(kb):
    commands.publish_article(
        None,
        Draft(
            slug="fraud-check",
            title="Fraud check steps",
            body="Ask for the last 4 digits.",
            public=False,
        ),
        editor="ann",
    )
    search.forget()
    assert best("fraud check steps") == "fraud-check"
    public = search.search("fraud check steps", ranking.Scope(public_only=True), k=5)
    assert "fraud-check" not in [r.article.slug for r in public]


def test_a_rebuild_arrives_at_the_same_rows(kb):
    before = list(ArticleVersion.objects.order_by("pk").values_list("pk", "vectors", "body"))
    articles = list(Article.objects.order_by("pk").values_list("pk", "html", "number"))
    projections.rebuild(projections.get("knowledge_articles"))
    after = list(ArticleVersion.objects.order_by("pk").values_list("pk", "vectors", "body"))
    assert [(k, bytes(v), b) for k, v, b in after] == [(k, bytes(v), b) for k, v, b in before]
    assert list(Article.objects.order_by("pk").values_list("pk", "html", "number")) == articles
