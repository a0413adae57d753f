"""Writes of the knowledge base, each through the article aggregate (`domain.Article`) or a
help visit's stream: load the stream, let the domain decide, append."""

import uuid
from dataclasses import dataclass

from contactcenter.commands import command
from contactcenter.events import aggregate, store
from contactcenter.interactions.domain import DomainError
from contactcenter.knowledge import events as ev
from contactcenter.knowledge.domain import Article, Draft
from contactcenter.knowledge.models import Article as ArticleRow

HELP_SOURCES = ("help_page", "widget")
MAX_PER_VISIT = 200


def stream_id(article_id: str) -> str:
    return f"article-{article_id}"


@dataclass
class Loaded:
    """A stream at the version its decision was made from (what aggregate.append needs)."""

    stream_id: str
    version: int


def load(article_id: str) -> Article:
    events = [e.payload for e in store.read_stream(stream_id(article_id))]
    return Article.from_events(article_id, events)


def decide_publish(article_id: str | None, draft: Draft, editor: str = "") -> tuple[Article, list]:
    """The aggregate's answer to a draft, without appending (forms ask it to show errors)."""
    article = load(article_id) if article_id else Article(str(uuid.uuid4()))
    owner = (
        ArticleRow.objects.filter(slug=draft.slug.strip(), archived=False)
        .exclude(pk=article.id)
        .values_list("pk", flat=True)
        .first()
    )
    return article, article.publish(draft, editor=editor, slug_owner=owner)


@command
def publish_article(article_id: str | None, draft: Draft, *, editor: str) -> str:
    """A new article (article_id None) or a new version of one; returns its id."""
    article, events = decide_publish(article_id, draft, editor)
    aggregate.append(Loaded(stream_id(article.id), article.version), events)
    return article.id


@command
def archive_article(article_id: str, *, editor: str) -> None:
    article = load(article_id)
    aggregate.append(Loaded(stream_id(article_id), article.version), article.archive(editor=editor))


def visit_stream(visit_id: str) -> str:
    return f"help-{visit_id}"


def valid_visit(visit_id: str) -> str:
    try:
        return str(uuid.UUID(str(visit_id)))
    except ValueError:
        raise DomainError("visit should be a UUID") from None


@command
def record_help(
    event: ev.HelpSearched | ev.HelpArticleViewed | ev.HelpAnswerRated | ev.HelpEscalated,
) -> None:
    """One step of a help visit: a search, an article read, a rating, a chat after all."""
    if event.source not in HELP_SOURCES:
        raise DomainError(f"source should be one of {', '.join(HELP_SOURCES)}")
    stream = visit_stream(valid_visit(event.visit_id))
    history = store.read_stream(stream)
    if isinstance(event, ev.HelpEscalated) and any(e.type == "HelpEscalated" for e in history):
        return  # counted once a visit
    if len(history) >= MAX_PER_VISIT:
        return  # a visit that long is a script, not a person: no more of it is recorded
    aggregate.append(Loaded(stream, history[-1].version if history else 0), [event])
