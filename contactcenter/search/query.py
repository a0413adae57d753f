"""Searching: the person's words against the index, only in what they may see (the
interactions `access` lets them open, and those interactions' customers), newest first."""

import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from contactcenter.access import visibility_rule, visible_interactions
from contactcenter.interactions.models import Interaction
from contactcenter.search.models import SearchDocument
from crm.models import Customer

LIMIT = 50
QUERY_MAX_CHARS = 200
CUSTOMER_KINDS = ("customer", "customer_note")
CUSTOMER_CANDIDATES = 200


def fts5_query(text: str) -> str:
    """websearch_to_tsquery's little language (words, "phrases", -not, or) as FTS5 syntax,
    with every term quoted, so nothing typed is read as an FTS5 operator."""
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
        if word.lower() == "or":
            if parts and parts[-1] not in ("OR", "NOT"):
                parts.append("OR")
            continue
        negated = word.startswith("-")
        tokens = re.findall(r"\w+", phrase or word)
        if not tokens:
            continue
        term = '"' + " ".join(tokens) + '"'
        if negated:
            if parts and parts[-1] not in ("OR", "NOT"):
                parts += ["NOT", term]
            continue
        parts.append(term)
    while parts and parts[-1] in ("OR", "NOT"):
        parts.pop()
    return " ".join(parts)


def matching(text: str) -> QuerySet[SearchDocument] | None:
    """What matches the words, or None when they hold nothing to search for."""
    if connection.vendor == "postgresql":
        return SearchDocument.objects.extra(
            where=["tsv @@ websearch_to_tsquery(%s::regconfig, %s)"],
            params=[settings.SEARCH_LANGUAGE, text],
        )
    query = fts5_query(text)
    if not query:
        return None
    # A subquery, not a table name: the queryset is also used inside other queries, where
    # Django gives this table another alias.
    matches = RawSQL("SELECT doc_id FROM search_fts WHERE search_fts MATCH %s", [query])
    return SearchDocument.objects.filter(pk__in=matches)


def search(user: AbstractBaseUser, text: str) -> list[dict[str, Any]]:
    text = text.strip()[:QUERY_MAX_CHARS]
    if not text:
        return []
    found = matching(text)
    if found is None:
        return []
    visible = None
    if (rule := visibility_rule(user)) is not None:
        visible = Interaction.objects.filter(rule)
        found = found.filter(
            # Joined, not listed: listing every visible interaction costs a scan per search.
            visibility_rule(user, "interaction__")
            | Q(kind__in=CUSTOMER_KINDS, customer_id__in=_visible_customers(found, visible))
        )
    hits = _with_context(found.order_by("-occurred_at")[:LIMIT])
    customers = {h["customer_id"] for h in hits if h["kind"] in CUSTOMER_KINDS}
    latest = {}
    if customers:
        latest = _latest_visible(
            visible if visible is not None else visible_interactions(user), customers
        )
    return [
        {
            "kind": h["kind"],
            "interaction_id": h["interaction_id"] or latest.get(h["customer_id"]),
            "customer": {"id": h["customer_id"], "name": h["name"] or ""},
            "channel": h["channel"] or "",
            "state": h["state"] or "",
            "title": h["title"],
            "snippet": snippet(h["body"] or h["title"], text),
            "at": h["occurred_at"].isoformat(),
        }
        for h in hits
    ]


def _visible_customers(found: QuerySet[SearchDocument], visible: QuerySet[Interaction]):
    """Customers among the matching cards and notes whom the searcher may see (through an
    interaction): a few hundred candidates checked on the customer index."""
    candidates = found.filter(kind__in=CUSTOMER_KINDS).values("customer_id")[:CUSTOMER_CANDIDATES]
    return list(
        visible.filter(customer_id__in=candidates).values_list("customer_id", flat=True).distinct()
    )


def _with_context(hits: QuerySet[SearchDocument]) -> list[dict[str, Any]]:
    """The hits with their conversation's channel and state and their customer's name, in the
    same round trip (on a busy database server, round trips are most of a search's time)."""
    sql, params = hits.query.sql_with_params()
    interaction, customer = Interaction._meta.db_table, Customer._meta.db_table
    wrapped = f"""
        WITH hits AS ({sql})
        SELECT hits.kind, hits.interaction_id, hits.title, hits.body, hits.occurred_at,
               i.channel, i.state, COALESCE(i.customer_id, hits.customer_id), c.name
        FROM hits
        LEFT JOIN {interaction} i ON i.id = hits.interaction_id
        LEFT JOIN {customer} c ON c.id = COALESCE(i.customer_id, hits.customer_id)
        ORDER BY hits.occurred_at DESC
    """
    columns = ("kind", "interaction_id", "title", "body", "occurred_at", "channel", "state")
    columns += ("customer_id", "name")
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        rows = cursor.fetchall()
    found = [dict(zip(columns, row, strict=True)) for row in rows]
    for hit in found:  # SQLite hands back text where PostgreSQL hands back a datetime
        hit["occurred_at"] = _as_datetime(hit["occurred_at"])
    return found


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _latest_visible(visible: QuerySet[Interaction], customer_ids: set[str]) -> dict[str, str]:
    """A customer found opens at their most recent conversation the searcher may open."""
    latest: dict[str, str] = {}
    rows = visible.filter(customer_id__in=customer_ids).order_by("created_at")
    for interaction_id, customer_id in rows.values_list("id", "customer_id"):
        latest[customer_id] = interaction_id
    return latest


def snippet(body: str, text: str, width: int = 80) -> str:
    """The part of the text around the first word searched for."""
    words = [w for w in re.findall(r"\w+", text.lower()) if w != "or"]
    lowered = body.lower()
    at = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=0)
    start = max(0, at - width // 2)
    piece = body[start : start + width * 2].strip()
    return ("…" if start else "") + piece + ("…" if start + width * 2 < len(body) else "")
