"""The article aggregate: what may happen to an article, decided from its events. Pure.

An edit that changes nothing is refused (a version per save would bury the real ones), so is
an edit of an archived article (publish it anew, which is an explicit act) and a slug taken
by another article (the help page's address would point at two)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from contactcenter.events.types import DomainEvent
from contactcenter.interactions.domain import DomainError
from contactcenter.knowledge import events as ev

TITLE_MAX = 200
BODY_MAX = 50_000
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Draft:
    """What an editor saves."""

    slug: str
    title: str
    body: str
    category: str = ""
    queue_ids: tuple[int, ...] = ()
    skills: tuple[str, ...] = ()
    public: bool = True


@dataclass
class Article:
    id: str
    version: int = 0  # the stream's version (events appended)
    published: int = 0  # the article's version number (ArticlePublished events)
    archived: bool = False
    current: Draft | None = None
    history: list[Draft] = field(default_factory=list)

    @classmethod
    def from_events(cls, article_id: str, events: Iterable[DomainEvent]) -> "Article":
        article = cls(article_id)
        for event in events:
            article.version += 1
            match event:
                case ev.ArticlePublished():
                    article.published = event.version
                    article.archived = False
                    article.current = Draft(
                        slug=event.slug,
                        title=event.title,
                        body=event.body,
                        category=event.category,
                        queue_ids=tuple(event.queue_ids),
                        skills=tuple(event.skills),
                        public=event.public,
                    )
                    article.history.append(article.current)
                case ev.ArticleArchived():
                    article.archived = True
        return article

    def publish(self, draft: Draft, *, editor: str, slug_owner: str | None) -> list[DomainEvent]:
        """A new version; `slug_owner` is the article that has the slug now, if any."""
        problems = check(draft)
        if slug_owner not in (None, self.id):
            problems.append(f"the address {draft.slug!r} is another article's")
        if problems:
            raise DomainError("; ".join(problems))
        if self.current == normalised(draft) and not self.archived:
            raise DomainError("nothing changed: no new version")
        draft = normalised(draft)
        return [
            ev.ArticlePublished(
                article_id=self.id,
                version=self.published + 1,
                slug=draft.slug,
                title=draft.title,
                body=draft.body,
                category=draft.category,
                queue_ids=sorted(draft.queue_ids),
                skills=sorted(draft.skills),
                public=draft.public,
                editor=editor,
            )
        ]

    def archive(self, *, editor: str) -> list[DomainEvent]:
        if self.current is None:
            raise DomainError("no such article")
        if self.archived:
            raise DomainError("already archived")
        return [ev.ArticleArchived(article_id=self.id, editor=editor)]


def normalised(draft: Draft) -> Draft:
    return Draft(
        slug=draft.slug.strip(),
        title=" ".join(draft.title.split()),
        body=draft.body.strip().replace("\r\n", "\n"),
        category=draft.category.strip(),
        queue_ids=tuple(sorted(set(draft.queue_ids))),
        skills=tuple(sorted({s.strip() for s in draft.skills if s.strip()})),
        public=draft.public,
    )


def check(draft: Draft) -> list[str]:
    """What is wrong with a draft, in words an editor can act on."""
    problems = []
    if not SLUG.fullmatch(draft.slug.strip()):
        problems.append("the address (slug) is lower-case letters, digits and dashes")
    if not draft.title.strip():
        problems.append("an article needs a title")
    elif len(draft.title) > TITLE_MAX:
        problems.append(f"the title is longer than {TITLE_MAX} characters")
    if not draft.body.strip():
        problems.append("an article needs a body")
    elif len(draft.body) > BODY_MAX:
        problems.append(f"the body is longer than {BODY_MAX} characters")
    return problems
