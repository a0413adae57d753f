"""Events of the knowledge base. docs/events.md describes each.

An article is a stream (`article-<id>`): every published version is an event with its whole
text, so any version can be read back and the projection (with each version's embedding)
rebuilt from the log. A visit to the help page or the widget's search is a stream of its own
(`help-<visit id>`): what was searched, read, and whether it answered the question — what
deflection is counted from."""

from dataclasses import dataclass, field

from contactcenter.events.types import DomainEvent


@dataclass(frozen=True, kw_only=True)
class ArticlePublished(DomainEvent):
    """A new version of an article: its whole text and where it applies."""

    article_id: str
    version: int  # 1, 2, … the article's own version number
    slug: str
    title: str
    body: str  # Markdown, as written; rendered and sanitised when read
    category: str = ""  # the category's slug ("" for none)
    queue_ids: list[int] = field(default_factory=list)  # empty: every queue
    skills: list[str] = field(default_factory=list)  # empty: any skill
    public: bool = True  # on the help page and in the widget; else agents only
    editor: str = ""  # who wrote this version (user name)


@dataclass(frozen=True, kw_only=True)
class ArticleArchived(DomainEvent):
    """Taken out of search, the help page and the virtual agent; its versions stay."""

    article_id: str
    editor: str = ""


@dataclass(frozen=True, kw_only=True)
class HelpSearched(DomainEvent):
    visit_id: str
    source: str  # help_page, widget
    channel_key: str = ""  # the widget's chat key
    query: str
    article_ids: list[str] = field(default_factory=list)  # the results, best first


@dataclass(frozen=True, kw_only=True)
class HelpArticleViewed(DomainEvent):
    visit_id: str
    source: str
    channel_key: str = ""
    article_id: str


@dataclass(frozen=True, kw_only=True)
class HelpAnswerRated(DomainEvent):
    """The visitor said whether the article answered their question: yes is a deflection."""

    visit_id: str
    source: str
    channel_key: str = ""
    article_id: str
    helpful: bool


@dataclass(frozen=True, kw_only=True)
class HelpEscalated(DomainEvent):
    """The visitor searched or read, then started a chat all the same."""

    visit_id: str
    source: str
    channel_key: str = ""
