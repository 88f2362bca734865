"""The database-specific half of the index.

PostgreSQL: the ``unaccent`` extension, a ``french_unaccent`` text-search configuration (unaccent,
then the French Snowball stemmer, on words and hyphenated words), a generated weighted ``tsvector``
column (title A, chapo B, body D) and its GIN index.

SQLite: an FTS5 table holding the folded, stemmed terms of each entry (``redac.search.analysis``);
its rowid is the entry's id.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    """
    ALTER TABLE redac_search_searchentry ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (
        setweight(to_tsvector('french_unaccent'::regconfig, coalesce(title, '') || ' ' || coalesce(subtitle, '')), 'A') ||
        setweight(to_tsvector('french_unaccent'::regconfig, coalesce(chapo, '')), 'B') ||
        setweight(to_tsvector('french_unaccent'::regconfig, coalesce(tags, '')), 'C') ||
        setweight(to_tsvector('french_unaccent'::regconfig, coalesce(body, '')), 'D')
      ) STORED
    """,
    "CREATE INDEX redac_search_vector_gin ON redac_search_searchentry USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS redac_search_vector_gin",
    "ALTER TABLE redac_search_searchentry DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS redac_search_fts USING fts5("
    "title, chapo, body, tokenize = 'unicode61 remove_diacritics 2')"
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS redac_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("redac_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
