"""SPIP 1.9/2.x XML backups (``tmp/dump.xml``, ``dump.xml.gz``), often iso-8859-1.

The format is one element per row, named after its table, with one child per column::

    <SPIP version="2.1.10" version_base="15375" dir_img="IMG/">
      <spip_articles><id_article>1</id_article><titre>…</titre>…</spip_articles>

The file is parsed once, streaming (``iterparse``, elements freed as they are read) with
defusedxml (a backup is untrusted input: no entity expansion bombs, no external entities); the
rows are then served to :class:`~.sql.SqlReader` through a tiny in-memory "connection", so XML
backups go through exactly the same schema detection and mapping as databases.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from defusedxml.ElementTree import iterparse

from .errors import UnusableSource
from .sql import SqlConnection, SqlReader

_SELECT = re.compile(r"^SELECT (.+?) FROM (\w+)(?: ORDER BY (\w+))?$")


def _open(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def is_xml_dump(path: Path) -> bool:
    try:
        with _open(path) as fh:
            head = fh.read(2048)
    except (OSError, EOFError):
        return False
    return b"<SPIP" in head or (head.lstrip().startswith(b"<?xml") and b"spip" in head.lower())


class XmlConnection(SqlConnection):
    def __init__(self, path: Path) -> None:
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.version_base = ""
        depth = 0
        try:
            with _open(path) as fh:
                for event, elem in iterparse(fh, events=("start", "end")):
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            self.version_base = elem.get("version_base", "")
                        continue
                    depth -= 1
                    if depth == 1:  # a row: <spip_table><col>value</col>...</spip_table>
                        if elem.tag.startswith("spip_") or "_" in elem.tag:
                            self.rows[elem.tag.lower()].append(
                                {child.tag.lower(): child.text or "" for child in elem}
                            )
                        elem.clear()
        except Exception as exc:  # ParseError, EOFError, BadGzipFile, defusedxml's refusals
            raise UnusableSource(f"{path} : sauvegarde XML illisible ({exc})") from None
        meta = self.rows.get("spip_meta", [])
        if self.version_base and not any(r.get("nom") == "version_installee" for r in meta):
            self.rows["spip_meta"].append({"nom": "version_installee",
                                           "valeur": self.version_base})  # fmt: skip

    def tables(self) -> set[str]:
        return set(self.rows)

    def columns(self, table: str) -> set[str]:
        cols: set[str] = set()
        for row in self.rows.get(table, [])[:50]:
            cols.update(row)
        return cols

    def query(self, sql: str) -> Iterator[dict]:
        match = _SELECT.match(sql)
        if not match:
            raise ValueError(sql)
        cols = [c.strip() for c in match.group(1).split(",")]
        rows = self.rows.get(match.group(2), [])
        if match.group(3):
            key = match.group(3)

            def sort_key(row):
                value = row.get(key, "")
                return (0, int(value), "") if value.isdigit() else (1, 0, value)

            rows = sorted(rows, key=sort_key)
        for row in rows:
            yield {c: row.get(c) for c in cols if c in row}

    def close(self) -> None:
        self.rows.clear()


class XmlReader(SqlReader):
    def __init__(self, path: Path) -> None:
        super().__init__(XmlConnection(path), source_format="xml")
