"""The demo knowledge base for tests, published through the command as an editor would."""

from contactcenter.knowledge import commands, demo, search
from contactcenter.knowledge.models import Article, Category


def demo_knowledge_base() -> dict[str, str]:
    """Publish demo_articles.json; slug -> article id."""
    data = demo.load()
    for position, category in enumerate(data["categories"]):
        Category.objects.create(slug=category["slug"], name=category["name"], position=position)
    for article in data["articles"]:
        commands.publish_article(None, demo.draft(article), editor="tester")
    search.forget()
    return dict(Article.objects.values_list("slug", "pk"))
