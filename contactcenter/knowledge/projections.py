"""Inline projections of the knowledge base, the help visits, the sentiment of customers'
messages and the virtual agent's conversations. Embeddings and sentiment are computed here
from the events' text: both are deterministic (a fixed model, a fixed lexicon), so a rebuild
arrives at the same rows."""

from contactcenter.events import instances
from contactcenter.events.projections import Projector, Rows, register
from contactcenter.events.sealing import ERASED
from contactcenter.events.store import RecordedEvent
from contactcenter.interactions import events as ie
from contactcenter.knowledge import embedding, markdown, ranking, sentiment
from contactcenter.knowledge import events as ev
from contactcenter.knowledge.models import (
    Article,
    ArticleVersion,
    ConversationSentiment,
    HelpVisit,
    MessageSentiment,
    VirtualAgentSession,
)
from routing.flows import events as fe


def article_vectors(title: str, body: str) -> tuple[int, bytes]:
    paragraphs = [p for p in markdown.summary(body, limit=10**6).split("\n\n") if p]
    texts = ranking.passages(title, paragraphs)
    vectors = embedding.embedder().embed(texts)
    return len(texts), embedding.to_bytes(vectors)


@register
class ArticleProjector(Projector):
    name = "knowledge_articles"
    models = [Article, ArticleVersion]

    def on_ArticlePublished(self, e: ev.ArticlePublished, r: RecordedEvent, rows: Rows):
        count, vectors = article_vectors(e.title, e.body)
        rows.add(
            ArticleVersion(
                key=f"{e.article_id}:{e.version}",
                article_id=e.article_id,
                number=e.version,
                title=e.title,
                body=e.body,
                category=e.category,
                editor=e.editor,
                published_at=r.occurred_at,
                model=embedding.MODEL,
                passages=count,
                vectors=vectors,
            )
        )
        article = rows.get(Article, e.article_id)
        fresh = article is None
        article = article or Article(id=e.article_id)
        article.slug, article.title, article.body = e.slug, e.title, e.body
        article.html = markdown.to_html(e.body)
        article.summary = markdown.summary(e.body)
        article.category, article.public = e.category, e.public
        article.queue_ids, article.skills = list(e.queue_ids), list(e.skills)
        article.archived = False
        article.number, article.version = e.version, r.version
        article.editor, article.updated_at = e.editor, r.occurred_at
        rows.add(article) if fresh else rows.changed(article)

    def on_ArticleArchived(self, e: ev.ArticleArchived, r: RecordedEvent, rows: Rows):
        article = rows.get(Article, e.article_id)
        if article is not None:
            article.archived, article.version = True, r.version
            article.editor, article.updated_at = e.editor, r.occurred_at
            rows.changed(article)


@register
class HelpVisitProjector(Projector):
    name = "help_visits"
    models = [HelpVisit]

    def _visit(self, e, r: RecordedEvent, rows: Rows) -> HelpVisit:
        visit = rows.get(HelpVisit, e.visit_id)
        if visit is None:
            visit = rows.add(
                HelpVisit(
                    visit_id=e.visit_id,
                    source=e.source,
                    channel_key=e.channel_key,
                    started_at=r.occurred_at,
                    viewed=[],
                )
            )
        else:
            rows.changed(visit)
        return visit

    def on_HelpSearched(self, e: ev.HelpSearched, r: RecordedEvent, rows: Rows):
        self._visit(e, r, rows).searches += 1

    def on_HelpArticleViewed(self, e: ev.HelpArticleViewed, r: RecordedEvent, rows: Rows):
        visit = self._visit(e, r, rows)
        visit.viewed = [*visit.viewed, e.article_id]

    def on_HelpAnswerRated(self, e: ev.HelpAnswerRated, r: RecordedEvent, rows: Rows):
        self._visit(e, r, rows).helpful = e.helpful

    def on_HelpEscalated(self, e: ev.HelpEscalated, r: RecordedEvent, rows: Rows):
        self._visit(e, r, rows).escalated = True


@register
class SentimentProjector(Projector):
    name = "sentiment"
    models = [MessageSentiment, ConversationSentiment]
    # A customer's message moves the conversation's mood: ingest reads it with the thread key.
    reads = {"MessageReceived": ((ConversationSentiment, "interaction_id"),)}

    def on_InteractionCreated(self, e: ie.InteractionCreated, r: RecordedEvent, rows: Rows):
        # A new interaction has no mood yet: its first message makes one without a read.
        rows.hold(ConversationSentiment, e.interaction_id, None)

    def on_MessageReceived(self, e: ie.MessageReceived, r: RecordedEvent, rows: Rows):
        # An erased or purged text (privacy) has no mood: it is scored as if never written.
        if e.automated or not e.text.strip() or e.text == ERASED:
            return
        compound = sentiment.score(e.text)
        rows.add(
            instances.new(
                MessageSentiment,
                message_id=e.message_id,
                interaction_id=e.interaction_id,
                compound=compound,
                label=sentiment.label(compound),
                at=r.occurred_at,
            )
        )
        mood = rows.get(ConversationSentiment, e.interaction_id)
        if mood is None:
            mood = rows.add(
                instances.new(
                    ConversationSentiment,
                    interaction_id=e.interaction_id,
                    recent=[],
                    updated_at=r.occurred_at,
                )
            )
        else:
            rows.changed(mood)
        _fold(mood, compound, r.occurred_at)


def _fold(mood: ConversationSentiment, compound: float, at) -> None:
    mood.recent = [*mood.recent, compound][-3:]
    mood.messages += 1
    mood.last = compound
    mood.trend = sentiment.trend(mood.recent)
    mood.lowest = min(mood.lowest, compound)
    negative = sentiment.is_negative(compound, mood.trend)
    if negative and not mood.negative:
        mood.turned_negative_at = at
    mood.negative = negative
    mood.updated_at = at


def forget_sentiment(interaction_ids: list[str], before=None) -> None:
    """The scores of messages whose text was erased (every message of `interaction_ids`) or
    purged (those older than `before`), and their conversations' mood folded again from the
    messages left: the rows a rebuild from the log now gives."""
    scores = MessageSentiment.objects.filter(interaction_id__in=interaction_ids)
    if before is not None:
        scores = scores.filter(at__lt=before)
    touched = set(scores.values_list("interaction_id", flat=True))
    if not touched:
        return
    scores.delete()
    ConversationSentiment.objects.filter(interaction_id__in=touched).delete()
    moods: dict[str, ConversationSentiment] = {}
    for score in MessageSentiment.objects.filter(interaction_id__in=touched).order_by("at", "pk"):
        mood = moods.setdefault(
            score.interaction_id,
            ConversationSentiment(
                interaction_id=score.interaction_id, recent=[], updated_at=score.at
            ),
        )
        _fold(mood, score.compound, score.at)
    ConversationSentiment.objects.bulk_create(moods.values())


@register
class VirtualAgentProjector(Projector):
    name = "virtual_agent"
    models = [VirtualAgentSession]

    def on_VirtualAgentReplied(self, e: fe.VirtualAgentReplied, r: RecordedEvent, rows: Rows):
        session = rows.get(VirtualAgentSession, e.interaction_id)
        if session is None:
            session = rows.add(
                VirtualAgentSession(
                    interaction_id=e.interaction_id,
                    flow=e.flow,
                    started_at=r.occurred_at,
                    articles=[],
                )
            )
        else:
            rows.changed(session)
        if e.decision != "resolved":
            session.questions += 1
        session.answers += e.decision == "answered"
        session.clarified = session.clarified or e.decision == "clarified"
        session.articles = [
            *session.articles,
            *[a for a in e.article_ids if a not in session.articles],
        ]
        session.intent = e.intent or session.intent
        if e.decision == "handed_off":
            session.outcome, session.reason, session.finished_at = (
                "handed_off",
                e.reason,
                r.occurred_at,
            )
        elif e.decision == "resolved":
            session.outcome, session.finished_at = "contained", r.occurred_at

    def on_InteractionAbandoned(self, e: ie.InteractionAbandoned, r: RecordedEvent, rows: Rows):
        session = rows.get(VirtualAgentSession, e.interaction_id)
        if session is not None and not session.outcome:
            session.outcome, session.finished_at = "abandoned", r.occurred_at
            rows.changed(session)
