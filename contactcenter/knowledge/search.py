"""Searching the knowledge base: the in-process index over the published articles (rebuilt
when an article changes), the query's embedding, and the scope (queue, skills, public).

PostgreSQL's pgvector is not packaged by Debian for PostgreSQL 15, which is what runs here,
so the vectors stay in ArticleVersion rows and the index lives in each process: a few
thousand articles of a few passages each are a matrix of a few megabytes, searched by one
matrix product (docs/knowledge.md has the figures)."""

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max

from contactcenter.knowledge import embedding, markdown, ranking
from contactcenter.knowledge.models import Article, ArticleVersion

_lock = threading.Lock()
_cached: tuple[tuple, ranking.Index, dict[str, Article]] | None = None
CHECK_EVERY_SECONDS = 1.0  # how stale an index may be before the table is asked again
_checked_at = 0.0


@dataclass(frozen=True)
class Result:
    article: Article
    score: float
    semantic: float
    lexical: float


def _stamp() -> tuple:
    figures = Article.objects.aggregate(n=Count("pk"), v=Max("updated_at"))
    return (figures["n"], figures["v"])


def _build() -> tuple[ranking.Index, dict[str, Article]]:
    articles = {a.pk: a for a in Article.objects.filter(archived=False)}
    keys = [f"{a.pk}:{a.number}" for a in articles.values()]
    vectors = {v.article_id: v for v in ArticleVersion.objects.filter(pk__in=keys)}
    docs = []
    for article in articles.values():
        version = vectors.get(article.pk)
        if version is None or version.model != embedding.MODEL:
            continue  # computed by another model: `rebuild_projections knowledge_articles`
        matrix = embedding.from_bytes(version.vectors).reshape(version.passages, -1)
        docs.append(
            doc(
                article.pk,
                article.title,
                article.body,
                matrix,
                queue_ids=tuple(article.queue_ids),
                skills=tuple(article.skills),
                public=article.public,
            )
        )
    return ranking.Index(docs), articles


def doc(article_id: str, title: str, body: str, vectors, **scope) -> ranking.Doc:
    """An article as the index sees it (the benchmark builds its index with this too)."""
    return ranking.Doc(
        id=article_id, title=title, text=markdown.to_text(body), vectors=vectors, **scope
    )


def index() -> tuple[ranking.Index, dict[str, Article]]:
    """The index of the articles as they are now (checked at most once a second)."""
    global _cached, _checked_at
    with _lock:
        now = time.monotonic()
        if _cached is not None and now - _checked_at < CHECK_EVERY_SECONDS:
            return _cached[1], _cached[2]
        stamp = _stamp()
        _checked_at = now
        if _cached is None or _cached[0] != stamp:
            built, articles = _build()
            _cached = (stamp, built, articles)
        return _cached[1], _cached[2]


def forget() -> None:
    """Drop the cached index (tests, after writing articles in the same second)."""
    global _cached
    with _lock:
        _cached = None


def search(query: str, scope: ranking.Scope | None = None, k: int = 5) -> list[Result]:
    query = " ".join(query.split())[:1000]
    if not query:
        return []
    built, articles = index()
    vector = embedding.embedder().embed_one(query)
    hits = built.search(query, vector, scope, k)
    return [Result(articles[h.id], h.score, h.semantic, h.lexical) for h in hits]
