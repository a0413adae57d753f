import pytest

from contactcenter.knowledge import search
from tests.knowledge.builders import demo_knowledge_base


@pytest.fixture(autouse=True)
def _fresh_index():
    """The index is cached per process: each test searches its own articles."""
    search.forget()
    yield
    search.forget()


@pytest.fixture
def kb(db) -> dict[str, str]:
    return demo_knowledge_base()
