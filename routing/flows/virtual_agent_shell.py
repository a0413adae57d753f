"""The I/O around the virtual agent's pure decisions (routing/flows/virtual_agent.py): search
the knowledge base for the customer's message, score its sentiment, and hand both to the
engine as the reply's `Evidence`. Called by the runner inside ingest's transaction."""

from django.conf import settings

from contactcenter.knowledge import ranking, search, sentiment
from contactcenter.knowledge.models import Article
from routing.flows import engine
from routing.flows import virtual_agent as va
from routing.flows.definition import FlowDefinition, Kind


def reply_for(
    flow: FlowDefinition, session: engine.Session, reply: engine.Reply, channel: str = ""
) -> engine.Reply:
    """The reply with the evidence a virtual-agent step needs (unchanged at other steps).
    On voice the answer carries no link: nobody wants an address read out to them."""
    step = flow.steps.get(session.step)
    if step is None or step.kind is not Kind.VIRTUAL:
        return reply
    memory = session.assistant
    titles = dict(Article.objects.filter(pk__in=memory.tried).values_list("pk", "title"))
    common = {
        "sentiment": sentiment.score(reply.text),
        "threshold": settings.KNOWLEDGE_ANSWER_THRESHOLD,
        "negative_below": sentiment.TURNED,
        "titles": titles,
    }
    chosen = va.picked(memory, reply.text, reply.choice)
    if chosen == va.PERSON_OPTION:
        return _with(reply, va.Evidence(**common), choice=va.PERSON_OPTION)
    if chosen:
        article = Article.objects.filter(pk=chosen, archived=False).first()
        candidates = (candidate(article, channel),) if article else ()
        evidence = va.Evidence(candidates=candidates, confidence=1.0 if article else 0.0, **common)
        return _with(reply, evidence, choice="")
    scope = ranking.Scope(queue_id=step.queue_id)
    results = search.search(reply.text, scope, k=3)
    hits = [ranking.Hit(r.article.pk, r.score, r.semantic, r.lexical) for r in results]
    evidence = va.Evidence(
        candidates=tuple(candidate(r.article, channel) for r in results),
        confidence=ranking.confidence(hits),
        **common,
    )
    return _with(reply, evidence, choice=reply.choice)


def candidate(article: Article, channel: str = "") -> va.Candidate:
    base = settings.PUBLIC_URL.rstrip("/")
    url = f"{base}/help/{article.slug}/" if article.public and channel != "voice" else ""
    return va.Candidate(article.pk, article.title, article.summary, url)


def _with(reply: engine.Reply, evidence: va.Evidence, choice: str) -> engine.Reply:
    return engine.Reply(
        text=reply.text, choice=choice, has_media=reply.has_media, evidence=evidence
    )


def answer_at_once(
    flow: FlowDefinition,
    so_far: list,
    result: engine.Result,
    text: str,
    ctx: engine.Context,
) -> engine.Result:
    """A flow that starts at a virtual agent answers the first message when it is a
    question (not a bare "hi"): the customer asked it already, in the pre-chat form or
    their first SMS, and should not be asked to ask again."""
    session = engine.Session.from_events(so_far + result.events)
    step = flow.steps.get(session.step)
    if result.route or result.close or step is None or step.kind is not Kind.VIRTUAL:
        return result
    if not va.worth_answering(text):
        return result
    reply = reply_for(flow, session, engine.Reply(text=text), ctx.channel)
    turn = engine.answer(flow, session, reply, ctx)
    return engine.Result(events=result.events + turn.events, route=turn.route, close=turn.close)
