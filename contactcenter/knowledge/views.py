"""Agents' and supervisors' side: search from the console, agent assist, a drafted reply
(when a generator is configured), the sentiment of a conversation (for QA too), the
wallboard's mood board and the virtual agent / deflection report."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from contactcenter.access import can_open
from contactcenter.interactions.models import Interaction
from contactcenter.knowledge import assist, generator, reports, search
from contactcenter.knowledge.models import ConversationSentiment
from contactcenter.roles import agent_required, is_supervisor, supervisor_required

LIVE = ("queued", "offered", "active", "self_service")


def _refused(interaction_id: str) -> JsonResponse:
    return JsonResponse({"error": "no such interaction of yours"}, status=404)


@agent_required
@require_GET
def console_search(request):
    """`?q=…[&interaction=…]`: articles (agents see internal ones too), best first, in the
    scope of the interaction's queue when one is given."""
    query = request.GET.get("q", "").strip()[:500]
    scope = None
    interaction_id = request.GET.get("interaction", "")
    if interaction_id:
        if not can_open(request.user, interaction_id):
            return _refused(interaction_id)
        row = Interaction.objects.filter(pk=interaction_id).first()
        scope = assist.scope_of(row) if row else None
    results = search.search(query, scope, k=8) if query else []
    return JsonResponse({"results": [assist.article_view(r.article, r.score) for r in results]})


@agent_required
@require_GET
def suggestions(request, interaction_id: str):
    if not can_open(request.user, interaction_id):
        return _refused(interaction_id)
    return JsonResponse(assist.suggestions(interaction_id))


@agent_required
@require_GET
def conversation_sentiment(request, interaction_id: str):
    """Per customer message and overall: the console, the wallboard and QA read this."""
    if not can_open(request.user, interaction_id):
        return _refused(interaction_id)
    return JsonResponse(assist.sentiment_of(interaction_id))


@agent_required
@require_POST
def draft(request, interaction_id: str):
    """A reply drafted by the configured generator from the best articles; the agent edits
    and sends it (nothing is sent to the customer from here)."""
    if not can_open(request.user, interaction_id):
        return _refused(interaction_id)
    if not generator.configured():
        return JsonResponse({"error": "no generator is configured"}, status=409)
    words = assist.customer_words(interaction_id)
    if not words:
        return JsonResponse({"error": "the customer has not written anything yet"}, status=409)
    row = Interaction.objects.get(pk=interaction_id)
    results = search.search(words, assist.scope_of(row), k=3)
    try:
        text = generator.draft(words, [r.article for r in results])
    except generator.GeneratorError as error:
        return JsonResponse({"error": str(error)}, status=502)
    return JsonResponse({"text": text, "articles": [r.article.pk for r in results]})


@supervisor_required
@require_GET
def mood_board(request):
    """Live conversations with their mood, the most negative first (the wallboard)."""
    live = dict(Interaction.objects.filter(state__in=LIVE).values_list("id", "channel"))
    moods = ConversationSentiment.objects.filter(interaction_id__in=list(live)).order_by("last")
    return JsonResponse(
        {
            "conversations": [
                {
                    "interaction_id": m.interaction_id,
                    "channel": live[m.interaction_id],
                    "last": m.last,
                    "trend": m.trend,
                    "negative": m.negative,
                    "messages": m.messages,
                }
                for m in moods[:50]
            ]
        }
    )


@supervisor_required
@require_GET
def report(request):
    return render(
        request,
        "knowledge/report.html",
        {
            "section": "knowledge",
            "flows": reports.virtual_agent_by_flow(),
            "help": reports.deflection(),
            "threshold": settings.KNOWLEDGE_ANSWER_THRESHOLD,
            "is_supervisor": is_supervisor(request.user),
        },
    )
