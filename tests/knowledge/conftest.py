import pytest

from contactcenter.knowledge import commands, demo, search
from contactcenter.knowledge.models import Article, Category
from routing import config


@pytest.fixture(autouse=True)
def _fresh_index():
    """The index is cached per process: each test searches its own articles."""
    search.forget()
    yield
    search.forget()
    config.invalidate()


@pytest.fixture
def kb(db) -> dict[str, str]:
    """The demo knowledge base, published through the command: slug -> article id."""
    data = demo.load()
    for position, category in enumerate(data["categories"]):
        Category.objects.create(slug=category["slug"], name=category["name"], position=position)
    for article in data["articles"]:
        commands.publish_article(None, demo.draft(article), editor="tester")
    return dict(Article.objects.values_list("slug", "pk"))
