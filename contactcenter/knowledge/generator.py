"""An optional generator: drafts a reply for the agent from the articles search found, through
any OpenAI-compatible HTTP endpoint (`POST {KNOWLEDGE_GENERATOR_URL}/chat/completions`, the
Chat Completions shape). Off unless KNOWLEDGE_GENERATOR_URL is set: by default nothing leaves
the machine. The draft is grounded: the model is given only the articles' text and told to
answer from them or to say it cannot; the agent reads and edits it before anything is sent."""

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings

from contactcenter.knowledge.models import Article

ARTICLE_CHARS = 4000  # of each article's text given to the model
INSTRUCTIONS = (
    "You draft replies for a customer service agent. Answer the customer's message using only "
    "the knowledge base articles below. If they do not answer it, say that you will check "
    "and get back to the customer; never invent policies, prices or dates. Be brief and "
    "friendly, in the customer's language."
)


class GeneratorError(RuntimeError):
    pass


def configured() -> bool:
    return bool(settings.KNOWLEDGE_GENERATOR_URL)


def messages_for(question: str, articles: Sequence[Article]) -> list[dict[str, str]]:
    context = "\n\n".join(
        f"[{n}] {a.title}\n{a.body[:ARTICLE_CHARS]}" for n, a in enumerate(articles, start=1)
    )
    return [
        {"role": "system", "content": f"{INSTRUCTIONS}\n\nArticles:\n{context or '(none)'}"},
        {"role": "user", "content": question},
    ]


def draft(question: str, articles: Sequence[Article]) -> str:
    """The generator's draft, or GeneratorError saying what went wrong."""
    url = settings.KNOWLEDGE_GENERATOR_URL.rstrip("/") + "/chat/completions"
    body = {
        "model": settings.KNOWLEDGE_GENERATOR_MODEL or "default",
        "messages": messages_for(question, articles),
        "temperature": 0.2,
    }
    headers = {"Content-Type": "application/json"}
    if settings.KNOWLEDGE_GENERATOR_API_KEY:
        headers["Authorization"] = f"Bearer {settings.KNOWLEDGE_GENERATOR_API_KEY}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(
            request, timeout=settings.KNOWLEDGE_GENERATOR_TIMEOUT_SECONDS
        ) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise GeneratorError(f"the generator answered {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise GeneratorError(f"the generator could not be reached: {error}") from error
    except ValueError as error:
        raise GeneratorError("the generator's answer was not JSON") from error
    try:
        text = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as error:
        raise GeneratorError("the generator's answer had no choices[0].message.content") from error
    if not isinstance(text, str) or not text.strip():
        raise GeneratorError("the generator's draft was empty")
    return text.strip()
