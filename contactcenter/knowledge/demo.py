"""The demo tenant's knowledge base: the categories and articles of demo_articles.json (the
benchmark's articles too), and a flow whose virtual agent answers from them (attach it to an
entry point in admin, e.g. `webchat:demo`, to talk to it in the widget)."""

import json
from pathlib import Path

from contactcenter.events.context import acting_as
from contactcenter.knowledge import commands
from contactcenter.knowledge.domain import Draft
from contactcenter.knowledge.models import Article, Category

ARTICLES = Path(__file__).with_name("demo_articles.json")
FLOW_KEY = "help-assistant"


def load() -> dict:
    return json.loads(ARTICLES.read_text())


def seed(log) -> None:
    data = load()
    for position, category in enumerate(data["categories"]):
        Category.objects.get_or_create(
            slug=category["slug"], defaults={"name": category["name"], "position": position}
        )
    known = set(Article.objects.values_list("slug", flat=True))
    with acting_as("system:demo"):
        for article in data["articles"]:
            if article["slug"] not in known:
                commands.publish_article(None, draft(article), editor="demo")
    _flow()
    log(f"knowledge: {len(data['articles'])} articles; flow {FLOW_KEY!r} with a virtual agent")


def draft(article: dict) -> Draft:
    return Draft(
        slug=article["slug"],
        title=article["title"],
        body=article["body"],
        category=article.get("category", ""),
    )


def _flow() -> None:
    from routing.flows.models import Flow, FlowStep
    from routing.models import Queue

    flow, created = Flow.objects.get_or_create(
        key=FLOW_KEY, defaults={"name": "Help assistant", "start_step": "assistant"}
    )
    if created:
        FlowStep.objects.create(
            flow=flow,
            step_id="assistant",
            kind="virtual",
            text="Hi! I am the virtual assistant. What can I help you with?",
            queue=Queue.objects.filter(name="Support").first(),
        )
