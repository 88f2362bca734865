"""SQLite sources: a live SPIP database or a SPIP 3+ backup (both are SQLite files)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .errors import UnusableSource
from .sql import SqlConnection

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


class SqliteConnection(SqlConnection):
    def __init__(self, path: Path) -> None:
        if not is_sqlite_file(path):
            raise UnusableSource(f"{path} : ce n'est pas une base SQLite")
        # Read-only, so that pointing the importer at a live SPIP database can never change it;
        # ``immutable`` lets it read a copy in a read-only folder (no -wal/-shm to create).
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise UnusableSource(f"{path} : base SQLite illisible ({exc})") from None
        # SPIP's SQLite driver stores text as UTF-8; a damaged byte must not stop the import.
        self.db.text_factory = lambda b: b.decode("utf-8", "replace")

    def tables(self) -> set[str]:
        rows = self.db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        return {row[0] for row in rows}

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}

    def query(self, sql: str) -> Iterator[dict]:
        cursor = self.db.execute(sql)
        while True:
            batch = cursor.fetchmany(500)
            if not batch:
                return
            for row in batch:
                yield dict(row)

    def close(self) -> None:
        self.db.close()
