"""The public side: the help page (`/help/`) and the JSON the widget's search box uses before
a chat starts. Every visit has an id (a cookie on the page, the widget's own); what it
searched, read and said about an article are events of that visit: deflection is counted
from them (reports.py)."""

import contextlib
import uuid

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contactcenter import strict_json
from contactcenter.interactions.domain import DomainError
from contactcenter.knowledge import commands, ranking, search, throttle
from contactcenter.knowledge import events as ev
from contactcenter.knowledge.models import Article, Category
from contactcenter.login_addresses import client_address

VISIT_COOKIE = "help_visit"
PUBLIC = ranking.Scope(public_only=True)


def _visit(request: HttpRequest) -> str:
    try:
        return str(uuid.UUID(request.COOKIES.get(VISIT_COOKIE, "")))
    except ValueError:
        return str(uuid.uuid4())


def _remember(response, visit: str):
    response.set_cookie(VISIT_COOKIE, visit, max_age=3600, samesite="Lax", httponly=True)
    return response


def article_card(article: Article, score: float | None = None) -> dict:
    card = {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "category": article.category,
        "url": f"/help/{article.slug}/",
    }
    return card | ({"score": round(score, 3)} if score is not None else {})


@require_GET
def index(request):
    visit = _visit(request)
    query = request.GET.get("q", "").strip()[:200]
    results = search.search(query, PUBLIC, k=8) if query else []
    if query:
        with contextlib.suppress(TooMany):  # the page still answers, unrecorded
            _record(
                request,
                ev.HelpSearched(
                    visit_id=visit,
                    source="help_page",
                    query=query,
                    article_ids=[r.article.pk for r in results],
                ),
            )
    public = Article.objects.filter(public=True, archived=False)
    categories = [(c, [a for a in public if a.category == c.slug]) for c in Category.objects.all()]
    context = {"query": query, "results": results, "categories": [c for c in categories if c[1]]}
    return _remember(render(request, "knowledge/help.html", context), visit)


@require_GET
def article(request, slug: str):
    found = Article.objects.filter(slug=slug, public=True, archived=False).first()
    if found is None:
        raise Http404("no such article")
    visit = _visit(request)
    with contextlib.suppress(TooMany):
        _record(
            request, ev.HelpArticleViewed(visit_id=visit, source="help_page", article_id=found.pk)
        )
    rated = request.GET.get("rated", "")
    return _remember(
        render(request, "knowledge/article.html", {"article": found, "rated": rated}), visit
    )


@require_POST
def rate(request, slug: str):
    found = Article.objects.filter(slug=slug, public=True, archived=False).first()
    if found is None:
        raise Http404("no such article")
    helpful = request.POST.get("helpful") == "yes"
    with contextlib.suppress(TooMany):
        _record(
            request,
            ev.HelpAnswerRated(
                visit_id=_visit(request), source="help_page", article_id=found.pk, helpful=helpful
            ),
        )
    return redirect(f"/help/{slug}/?rated={'yes' if helpful else 'no'}")


# -- the widget's JSON -----------------------------------------------------------------------


def _body(request) -> dict:
    try:
        return strict_json.loads_object(request.body or b"{}")
    except ValueError as error:
        raise DomainError(f"send a JSON object: {error}") from error


def _refusal(error: DomainError) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


class TooMany(Exception):
    pass


def _too_many() -> JsonResponse:
    answer = JsonResponse({"error": "too many requests from this address; try again"}, status=429)
    answer["Retry-After"] = str(int(throttle.WINDOW_SECONDS))
    return answer


def _record(request, event) -> None:
    """Record one step of a visit, within the per-address limit (TooMany past it)."""
    if not throttle.allow(client_address(request)):
        raise TooMany
    commands.record_help(event)


@require_GET
def widget_search(request):
    """`?q=…&visit=…&channel=…[&record=1]`: public articles, best first. Type-ahead asks
    without `record`; the search the visitor submits is recorded."""
    query = request.GET.get("q", "").strip()[:200]
    results = search.search(query, PUBLIC, k=5) if query else []
    if query and request.GET.get("record") == "1":
        try:
            _record(
                request,
                ev.HelpSearched(
                    visit_id=request.GET.get("visit", ""),
                    source="widget",
                    channel_key=request.GET.get("channel", "")[:100],
                    query=query,
                    article_ids=[r.article.pk for r in results],
                ),
            )
        except DomainError as refused:
            return _refusal(refused)
        except TooMany:
            pass  # the results still come back, unrecorded
    return JsonResponse({"results": [article_card(r.article, r.score) for r in results]})


@require_GET
def widget_article(request, article_id: str):
    found = Article.objects.filter(pk=article_id, public=True, archived=False).first()
    if found is None:
        return JsonResponse({"error": "no such article"}, status=404)
    try:
        _record(
            request,
            ev.HelpArticleViewed(
                visit_id=request.GET.get("visit", ""),
                source="widget",
                channel_key=request.GET.get("channel", "")[:100],
                article_id=found.pk,
            ),
        )
    except DomainError as refused:
        return _refusal(refused)
    except TooMany:
        pass
    return JsonResponse(article_card(found) | {"html": found.html})


@csrf_exempt  # the widget has no cookie session: the visit id is all it sends
@require_http_methods(["POST"])
def widget_feedback(request):
    """{visit, channel, article_id, helpful}: did the article answer the question?"""
    try:
        body = _body(request)
        article_id = str(body.get("article_id", ""))
        if not Article.objects.filter(pk=article_id, public=True).exists():
            raise DomainError("no such article")
        _record(
            request,
            ev.HelpAnswerRated(
                visit_id=str(body.get("visit", "")),
                source="widget",
                channel_key=str(body.get("channel", ""))[:100],
                article_id=article_id,
                helpful=body.get("helpful") is True,
            ),
        )
    except DomainError as refused:
        return _refusal(refused)
    except TooMany:
        return _too_many()
    return JsonResponse({"ok": True})


@csrf_exempt
@require_http_methods(["POST"])
def widget_escalated(request):
    """{visit, channel}: the visitor used the help search, then started a chat after all."""
    try:
        body = _body(request)
        _record(
            request,
            ev.HelpEscalated(
                visit_id=str(body.get("visit", "")),
                source="widget",
                channel_key=str(body.get("channel", ""))[:100],
            ),
        )
    except DomainError as refused:
        return _refusal(refused)
    except TooMany:
        return _too_many()
    return JsonResponse({"ok": True})
