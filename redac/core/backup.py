"""Back up and restore a redac site: database, media and the secret key's file (issue 17).

A backup is a folder:

    manifest.json       what it holds: engine, time, redac version, row counts per table
    database.sqlite3    SQLite: a consistent copy made while the site runs (SQLite's backup API)
    database.dump       PostgreSQL: ``pg_dump --format=custom``
    media/              uploaded images and documents, renditions
    secret_key          the generated secret key (when REDAC_SECRET_KEY is not set), mode 0600

Never in it: the visitor key's daily secret (``run/``: it must die with its day, docs/privacy.md),
caches and collected static files (rebuilt). ``redac restore`` puts everything back into the
current ``REDAC_DATA_DIR`` / ``DATABASE_URL`` (the site stopped), runs the migrations of the
installed code and checks the row counts against the manifest.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection

import redac

EXCLUDED = ("run", "cache", "static")


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_args(db: dict) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args, env


def backup(destination: Path) -> dict:
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=False)
    os.chmod(destination, 0o700)  # the secret key and every reader's data are in it
    db = settings.DATABASES["default"]
    manifest = {
        "redac": redac.__version__,
        "engine": connection.vendor,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(destination / "database.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        args, env = _pg_args(db)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", *args,
                        "--file", str(destination / "database.dump"), db["NAME"]],
                       env=env, check=True)  # fmt: skip
    manifest["rows"] = row_counts()
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, destination / "media")
    key = Path(settings.DATA_DIR) / "secret_key"
    if key.is_file():
        shutil.copy2(key, destination / "secret_key")
        os.chmod(destination / "secret_key", 0o600)
    (destination / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def restore(source: Path) -> dict[str, tuple[int, int]]:
    """Put ``source`` back; return the tables whose row count differs (backup, now)."""
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    if manifest["engine"] != connection.vendor:
        raise ValueError(
            f"this backup is of a {manifest['engine']} database and DATABASE_URL is "
            f"{connection.vendor}: use redac move-database to change engines"
        )
    db = settings.DATABASES["default"]
    connection.close()
    if connection.vendor == "sqlite":
        path = Path(db["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        tmp = path.with_name(path.name + ".restoring")
        shutil.copyfile(source / "database.sqlite3", tmp)
        tmp.replace(path)
    else:
        args, env = _pg_args(db)
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        *args, "--dbname", db["NAME"], str(source / "database.dump")],
                       env=env, check=True)  # fmt: skip
    media = Path(settings.MEDIA_ROOT)
    if (source / "media").is_dir():
        if media.exists():
            shutil.rmtree(media)
        shutil.copytree(source / "media", media)
    if (source / "secret_key").is_file():
        key = Path(settings.DATA_DIR) / "secret_key"
        shutil.copy2(source / "secret_key", key)
        os.chmod(key, 0o600)
    now = row_counts()
    return {
        table: (count, now.get(table, -1))
        for table, count in manifest["rows"].items()
        if now.get(table, -1) != count
    }
