"""Live SPIP databases on MySQL/MariaDB (``mysql://user:password@host[:port]/dbname``), for sites
too large for SPIP's own backup. PyMySQL is pure Python, so no client library is needed."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from .errors import UnusableSource
from .sql import SqlConnection


def parse_mysql_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
        raise UnusableSource(
            f"adresse de base invalide : {url!r} (attendu mysql://utilisateur:motdepasse@hôte/base)"
        )
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
        "database": parts.path.strip("/"),
    }


def redact_url(url: str) -> str:
    """The URL without its password, for messages and reports."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


class MysqlConnection(SqlConnection):
    def __init__(self, url: str) -> None:
        import pymysql
        import pymysql.cursors

        params = parse_mysql_url(url)
        try:
            # SPIP databases are utf8 or utf8mb4; latin1 sites are converted by MySQL itself.
            self.db = pymysql.connect(**params, charset="utf8mb4", connect_timeout=10,
                                      read_timeout=600, cursorclass=pymysql.cursors.DictCursor)  # fmt: skip
        except pymysql.MySQLError as exc:
            raise UnusableSource(
                f"{redact_url(url)} : connexion impossible ({exc.args[-1] if exc.args else exc})"
            ) from None
        self.database = params["database"]

    def tables(self) -> set[str]:
        with self.db.cursor() as cur:
            cur.execute("SHOW TABLES")
            return {next(iter(row.values())) for row in cur.fetchall()}

    def columns(self, table: str) -> set[str]:
        with self.db.cursor() as cur:
            cur.execute(f"SHOW COLUMNS FROM `{table}`")
            return {row["Field"] for row in cur.fetchall()}

    def query(self, sql: str) -> Iterator[dict]:
        # Materialised per query: an unbuffered cursor would block the other queries the reader
        # makes while iterating (link tables), and one table of a SPIP site fits in memory.
        with self.db.cursor() as cur:
            cur.execute(sql)
            rows = cur.fetchall()
        yield from rows

    def close(self) -> None:
        self.db.close()
