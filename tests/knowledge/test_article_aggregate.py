"""The article aggregate decides versions from its events, without a database."""

import pytest

from contactcenter.interactions.domain import DomainError
from contactcenter.knowledge import events as ev
from contactcenter.knowledge.domain import Article, Draft

DRAFT = Draft(slug="reset-password", title="Reset your password", body="Click *Forgot*.")


def published(*drafts: Draft) -> Article:
    events = []
    for draft in drafts:
        events += Article.from_events("a1", events).publish(draft, editor="ed", slug_owner=None)
    return Article.from_events("a1", events)


def test_a_first_draft_is_version_one_with_its_whole_text():
    [event] = Article("a1").publish(DRAFT, editor="ed", slug_owner=None)
    assert isinstance(event, ev.ArticlePublished)
    assert (event.version, event.slug, event.title, event.body) == (
        1,
        "reset-password",
        "Reset your password",
        "Click *Forgot*.",
    )


def test_each_edit_is_a_new_version_and_every_version_stays():
    second = Draft(slug=DRAFT.slug, title=DRAFT.title, body="Click **Forgot password**.")
    article = published(DRAFT, second)
    assert article.published == 2
    assert [d.body for d in article.history] == ["Click *Forgot*.", "Click **Forgot password**."]


def test_an_edit_that_changes_nothing_is_refused():
    with pytest.raises(DomainError, match="nothing changed"):
        published(DRAFT).publish(DRAFT, editor="ed", slug_owner="a1")


@pytest.mark.parametrize(
    ("draft", "words"),
    [
        (Draft(slug="Bad Slug", title="t", body="b"), "lower-case letters"),
        (Draft(slug="ok", title=" ", body="b"), "needs a title"),
        (Draft(slug="ok", title="t", body=""), "needs a body"),
    ],
)
def test_a_draft_missing_what_an_article_needs_is_refused_in_words(draft, words):
    with pytest.raises(DomainError, match=words):
        Article("a1").publish(draft, editor="ed", slug_owner=None)


def test_a_slug_another_article_has_is_refused():
    with pytest.raises(DomainError, match="another article's"):
        Article("a1").publish(DRAFT, editor="ed", slug_owner="a2")


def test_an_archived_article_is_out_until_published_again():
    article = published(DRAFT)
    events = [*_events(article), *article.archive(editor="ed")]
    archived = Article.from_events("a1", events)
    assert archived.archived
    with pytest.raises(DomainError, match="already archived"):
        archived.archive(editor="ed")
    [again] = archived.publish(DRAFT, editor="ed", slug_owner=None)
    assert again.version == 2


def _events(article: Article) -> list:
    return [
        ev.ArticlePublished(article_id="a1", version=n, slug=d.slug, title=d.title, body=d.body)
        for n, d in enumerate(article.history, start=1)
    ]
