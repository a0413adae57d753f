import pytest

from tests.knowledge.builders import demo_knowledge_base


@pytest.fixture
def kb(db) -> dict[str, str]:
    """The demo knowledge base, published through the command: slug -> article id."""
    return demo_knowledge_base()
