"""Readers: turn a SPIP source into plain dataclasses (``readers.types``), whatever its format.

``open_source(source)`` picks the reader from the source itself, never from its name:
``mysql://`` URLs, SQLite files (live database or SPIP 3+ backup), XML backups of SPIP 1.9/2
(``dump.xml``, possibly gzipped, possibly iso-8859-1).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UnusableSource
from .sql import SqlReader
from .sqlite import SqliteConnection, is_sqlite_file

__all__ = ["UnusableSource", "open_source"]

#: A URL scheme (two characters at least, so that a Windows drive letter is not one).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def open_source(source: str):
    if source.startswith(("mysql://", "mariadb://")):
        from .mysql import MysqlConnection

        return SqlReader(MysqlConnection(source), source_format="mysql")
    path = Path(source)
    if not path.exists():
        if _URL.match(source):
            # redac downloads nothing it is given (security case 57, SSRF): an http://, file://
            # or any other address is refused before any connection, in one line.
            raise UnusableSource(
                f"{source} : adresse refusée ; redac ne télécharge rien, indiquez un fichier "
                "local (base SQLite ou sauvegarde) ou une adresse mysql://"
            )
        raise UnusableSource(f"{source} : fichier introuvable")
    if path.is_dir():
        raise UnusableSource(
            f"{source} : c'est un dossier ; indiquez la base SQLite ou le fichier de sauvegarde"
        )
    if is_sqlite_file(path):
        reader = SqlReader(SqliteConnection(path), source_format="sqlite")
        return reader
    from .xml import is_xml_dump

    if is_xml_dump(path):
        from .xml import XmlReader

        return XmlReader(path)
    raise UnusableSource(
        f"{source} : ni une base SQLite, ni une sauvegarde XML de SPIP, ni une adresse mysql://"
    )
