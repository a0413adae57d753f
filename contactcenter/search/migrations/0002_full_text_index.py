"""The full-text index, in each database's own way (docs/inbox.md): PostgreSQL keeps a
`tsvector` column by trigger (in each row's language; an unknown configuration falls back to
`simple` rather than failing the append) under a GIN index; SQLite keeps an FTS5 table by
triggers."""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector",
    """
    CREATE FUNCTION search_document_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE config regconfig;
    BEGIN
      SELECT oid::regconfig INTO config FROM pg_ts_config WHERE cfgname = NEW.language;
      IF config IS NULL THEN config := 'simple'::regconfig; END IF;
      NEW.tsv := setweight(to_tsvector(config, coalesce(NEW.title, '')), 'A')
                 || to_tsvector(config, coalesce(NEW.body, ''));
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER search_document_tsv BEFORE INSERT OR UPDATE OF title, body, language
    ON search_searchdocument FOR EACH ROW EXECUTE FUNCTION search_document_tsv()
    """,
    "CREATE INDEX search_document_tsv_gin ON search_searchdocument USING gin (tsv)",
]
POSTGRES_UNDO = [
    "DROP TRIGGER search_document_tsv ON search_searchdocument",
    "DROP FUNCTION search_document_tsv()",
    "ALTER TABLE search_searchdocument DROP COLUMN tsv",
]
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(doc_id UNINDEXED, title, body,"
    " tokenize='porter unicode61 remove_diacritics 2')",
    """
    CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
      INSERT INTO search_fts(doc_id, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN
      DELETE FROM search_fts WHERE doc_id = old.id;
      INSERT INTO search_fts(doc_id, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
      DELETE FROM search_fts WHERE doc_id = old.id;
    END
    """,
]
SQLITE_UNDO = [
    "DROP TRIGGER search_fts_insert",
    "DROP TRIGGER search_fts_update",
    "DROP TRIGGER search_fts_delete",
    "DROP TABLE search_fts",
]


def run(statements: dict[str, list[str]]):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
