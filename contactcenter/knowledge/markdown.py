"""Articles are written in Markdown and shown as HTML: rendered by markdown-it (raw HTML in
the source is not passed through) and then sanitised by nh3, so an article can never carry a
script, a style or an event handler onto the help page, the widget or the console."""

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


def to_html(markdown: str) -> str:
    """Safe HTML for an article's Markdown."""
    return nh3.clean(
        _md.render(markdown),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def to_text(markdown: str) -> str:
    """The words of an article, without Markdown's marks: what search and the virtual agent
    read, and what a chat or an SMS can carry."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images: their alt text
    text = re.sub(r"\[([^\]]+)\]\(([^)]*)\)", r"\1 (\2)", text)  # links: words (address)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+", "", text, flags=re.M)
    text = re.sub(r"[*_`|]+", "", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def summary(markdown: str, limit: int = 600) -> str:
    """The first paragraphs of an article, up to about `limit` characters: the answer the
    virtual agent gives and the snippet search shows."""
    blocks = re.split(r"\n\s*\n", markdown.strip())
    paragraphs = [to_text(b) for b in blocks if b.strip() and not b.lstrip().startswith("#")]
    paragraphs = [p for p in paragraphs if p]
    out: list[str] = []
    for paragraph in paragraphs:
        if out and len(" ".join(out)) + len(paragraph) > limit:
            break
        out.append(paragraph)
    text = "\n\n".join(out)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
