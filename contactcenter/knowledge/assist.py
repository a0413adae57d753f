"""Agent assist: what the console shows beside a conversation, read again each time the
customer writes — the articles and canned responses that fit the customer's latest words,
the sentiment of each of their messages, and, after a virtual agent handed off, what it
understood and tried."""

from typing import Any

import numpy as np

from contactcenter.console.models import CannedResponse
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge import embedding, generator, ranking, search
from contactcenter.knowledge.models import (
    Article,
    ConversationSentiment,
    MessageSentiment,
    VirtualAgentSession,
)

RECENT_MESSAGES = 3  # the customer's last few messages make the query
CANNED_SHOWN = 3


def customer_words(interaction_id: str) -> str:
    texts = list(
        TranscriptEntry.objects.filter(interaction_id=interaction_id, kind="inbound")
        .order_by("-position")
        .values_list("text", flat=True)[:RECENT_MESSAGES]
    )
    return " ".join(reversed([t for t in texts if t]))


def scope_of(row: Interaction) -> ranking.Scope:
    """The articles for this work: of its queue (or of none), and for the skills it needs."""
    return ranking.Scope(queue_id=row.queue_id, skills=frozenset(row.required_skills or ()))


def canned_for(text: str, queue_id: int | None) -> list[dict[str, Any]]:
    """The canned responses closest in meaning to the customer's words (of this queue)."""
    replies = [
        c
        for c in CannedResponse.objects.filter(active=True).prefetch_related("queues")
        if not c.queues.all() or queue_id in {q.pk for q in c.queues.all()}
    ]
    if not replies or not text.strip():
        return []
    model = embedding.embedder()
    vectors = model.embed([f"{c.title}. {c.text}" for c in replies])
    scores = np.einsum("ij,j->i", vectors, model.embed_one(text))  # see ranking.semantic
    best = np.argsort(-scores)[:CANNED_SHOWN]
    return [
        {"id": replies[i].pk, "title": replies[i].title, "score": round(float(scores[i]), 3)}
        for i in best
        if scores[i] > 0.2
    ]


def sentiment_by_message(interaction_id: str) -> dict[str, MessageSentiment]:
    return {m.message_id: m for m in MessageSentiment.objects.filter(interaction_id=interaction_id)}


def sentiment_of(interaction_id: str) -> dict[str, Any]:
    mood = ConversationSentiment.objects.filter(pk=interaction_id).first()
    return {
        "messages": {
            m.message_id: {"compound": m.compound, "label": m.label}
            for m in MessageSentiment.objects.filter(interaction_id=interaction_id)
        },
        "last": mood.last if mood else None,
        "trend": mood.trend if mood else None,
        "negative": bool(mood and mood.negative),
    }


def handoff_of(interaction_id: str) -> dict[str, Any] | None:
    session = VirtualAgentSession.objects.filter(pk=interaction_id).first()
    if session is None:
        return None
    titles = dict(Article.objects.filter(pk__in=session.articles).values_list("pk", "title"))
    return {
        "flow": session.flow,
        "intent": session.intent,
        "outcome": session.outcome,
        "reason": session.reason,
        "articles_tried": [titles.get(a, a) for a in session.articles],
    }


def suggestions(interaction_id: str) -> dict[str, Any]:
    row = Interaction.objects.get(pk=interaction_id)
    words = customer_words(interaction_id)
    results = search.search(words, scope_of(row), k=3) if words else []
    return {
        "interaction_id": interaction_id,
        "query": words,
        "articles": [article_view(r.article, r.score) for r in results],
        "canned": canned_for(words, row.queue_id),
        "sentiment": sentiment_of(interaction_id),
        "handoff": handoff_of(interaction_id),
        "generator": generator.configured(),
    }


def article_view(article: Article, score: float | None = None) -> dict[str, Any]:
    view = {
        "id": article.pk,
        "title": article.title,
        "summary": article.summary,
        "html": article.html,
        "public": article.public,
        "url": f"/help/{article.slug}/" if article.public else "",
    }
    return view | ({"score": round(score, 3)} if score is not None else {})
