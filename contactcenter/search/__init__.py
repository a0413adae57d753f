"""Search across transcripts, e-mail subjects, notes and customers (docs/inbox.md): a search
projection of the log, indexed by PostgreSQL full-text search (a `tsvector` column kept by a
trigger, a GIN index, `websearch_to_tsquery`, the language configurable) or by SQLite's FTS5
in the embedded default; answers only what the searcher may see."""
