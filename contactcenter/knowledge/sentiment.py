"""The sentiment of a customer's message, by VADER (a lexicon and rules that ship inside the
vaderSentiment package: nothing to download, well under a millisecond a message).

A conversation *turns negative* when its last message is clearly negative, or the mean of
its last three is: one grumble in a polite conversation does not raise an alert, a customer
who keeps getting angrier does."""

from functools import cache

NEGATIVE = -0.35  # VADER's compound below this: negative (its authors suggest -0.05 for
# tweets; customer service messages are blunter, "no I still can't log in" is -0.3)
POSITIVE = 0.35
TURNED = -0.5  # the last message alone, or the mean of the last three, below this


@cache
def analyser():
    """VADER with the service words: built once a process (its lexicon, 7 500 words), as the
    process starts (contactcenter/startup.py)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    analyser.lexicon.update(SERVICE_WORDS)
    return analyser


# Words that customers of a contact center use in anger and VADER's social-media lexicon
# scores mildly or not at all (its scale: -4 .. 4).
SERVICE_WORDS = {
    "ridiculous": -2.2,
    "unacceptable": -2.6,
    "useless": -2.2,
    "scam": -2.8,
    "nobody": -1.0,
    "furious": -3.0,
    "fed": -0.5,
    "waste": -1.8,
}


def score(text: str) -> float:
    """VADER's compound score, -1 (most negative) .. 1."""
    if not text or not text.strip():
        return 0.0
    return round(float(analyser().polarity_scores(text[:5000])["compound"]), 4)


def label(compound: float) -> str:
    if compound <= NEGATIVE:
        return "negative"
    if compound >= POSITIVE:
        return "positive"
    return "neutral"


def trend(scores: list[float]) -> float:
    recent = scores[-3:]
    return round(sum(recent) / len(recent), 4) if recent else 0.0


def is_negative(last: float, recent_mean: float) -> bool:
    return last <= TURNED or recent_mean <= TURNED
