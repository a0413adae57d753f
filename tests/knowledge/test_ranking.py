"""The hybrid index, pure: words and meaning both count, unknown words lower the lexical
score, scopes keep articles to their queue, skills and audience, and the confidence reads the
best article's lead."""

import numpy as np

from contactcenter.knowledge import ranking


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def doc(id_: str, title: str, text: str, vector, **scope) -> ranking.Doc:
    return ranking.Doc(id_, title, text, np.array([vector]), **scope)


DOCS = [
    doc("refund", "Refunds", "We refund within 5 working days.", unit(1, 0, 0)),
    doc("sepa", "SEPA direct debit", "Pay by SEPA direct debit.", unit(0, 1, 0)),
    doc("internal", "Fraud steps", "Ask for the last digits.", unit(0, 0, 1), public=False),
    doc("sales-only", "Bulk discounts", "Ten percent off.", unit(0, 1, 1), queue_ids=(7,)),
    doc("spanish", "Reembolsos", "Reembolsamos.", unit(1, 0, 1), skills=("spanish",)),
]


def test_where_meaning_cannot_tell_two_articles_apart_their_words_do():
    hits = ranking.Index(DOCS).search("sepa", unit(1, 1, 0), None, 2)
    assert hits[0].id == "sepa"


def test_meaning_finds_an_article_that_shares_no_word():
    hits = ranking.Index(DOCS).search("money back please", unit(1, 0, 0.1), None, 1)
    assert hits[0].id == "refund"


def test_words_no_article_uses_keep_the_lexical_score_low():
    index = ranking.Index(DOCS)
    assert index.lexical("refund")[0] > 2 * index.lexical("refund concert tickets berlin")[0]


def test_scopes_keep_articles_to_their_queue_skills_and_audience():
    index = ranking.Index(DOCS)
    public = ranking.Scope(public_only=True)
    ids = {h.id for h in index.search("fraud steps", unit(0, 0, 1), public, 5)}
    assert "internal" not in ids
    assert "sales-only" not in {
        h.id for h in index.search("x", unit(0, 1, 1), ranking.Scope(queue_id=3), 5)
    }
    assert "sales-only" in {
        h.id for h in index.search("x", unit(0, 1, 1), ranking.Scope(queue_id=7), 5)
    }
    english = ranking.Scope(skills=frozenset({"english"}))
    assert "spanish" not in {h.id for h in index.search("x", unit(1, 0, 1), english, 5)}
    assert "spanish" in {h.id for h in index.search("x", unit(1, 0, 1), None, 5)}


def test_confidence_is_the_best_articles_lead():
    clear = [ranking.Hit("a", 0.8, 0, 0), ranking.Hit("b", 0.3, 0, 0)]
    close = [ranking.Hit("a", 0.8, 0, 0), ranking.Hit("b", 0.78, 0, 0)]
    weak = [ranking.Hit("a", 0.2, 0, 0), ranking.Hit("b", 0.0, 0, 0)]
    assert ranking.confidence(clear) == 1.0
    assert ranking.confidence(close) < 0.25
    assert ranking.confidence(weak) < 0.5
    assert ranking.confidence([]) == 0.0
