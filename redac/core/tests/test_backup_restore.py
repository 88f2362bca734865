"""Back up and restore (issue 17), as docs/operations.md says, on SQLite and on PostgreSQL: the
database, media and the secret key come back; the visitor key's daily secret is never backed up."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs redac in subprocesses (left out of make test-fast)

BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432/"


def redac(env, *args, check=True):
    return subprocess.run([BIN / "redac", *args], env=env, capture_output=True, text=True,
                          timeout=900, check=check)  # fmt: skip


def shell(env, code: str) -> str:
    """What ``code`` printed last (``redac shell`` may print its imports' banner first)."""
    lines = redac(env, "shell", "-c", code).stdout.strip().splitlines()
    return lines[-1] if lines else ""


def pg_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG + "postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def site_env(tmp_path, name, engine) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="redac.settings",
               REDAC_DATA_DIR=str(tmp_path / name))  # fmt: skip
    env.pop("REDAC_SECRET_KEY", None)
    if engine == "sqlite":
        env.pop("DATABASE_URL", None)
    else:
        db = f"redac_operator_{name}"
        import psycopg

        with psycopg.connect(PG + "postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
        env["DATABASE_URL"] = PG + db
    return env


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_backup_restores_database_media_and_secret_key_never_the_daily_secret(tmp_path, engine):
    if engine == "postgresql" and not pg_answers():
        from conftest import skip_or_fail

        skip_or_fail(f"PostgreSQL does not answer at {PG}")
    site = site_env(tmp_path, "site", engine)
    redac(site, "migrate", "--noinput", "-v0")
    shell(site, "from django.contrib.auth.models import User; "
                "User.objects.create_user('redactrice', 'r@example.org', 'x' * 12)")  # fmt: skip
    data = Path(site["REDAC_DATA_DIR"])
    (data / "media" / "documents").mkdir(parents=True)
    (data / "media" / "documents" / "rapport.pdf").write_bytes(b"%PDF-1.4 rapport")
    (data / "run").mkdir(exist_ok=True)
    (data / "run" / "visits-secret-2026-12-05").write_text("never in a backup")
    key = (data / "secret_key").read_text()

    backup_dir = tmp_path / "backup"
    out = redac(site, "backup", str(backup_dir)).stdout
    assert "backup written" in out
    assert not any("visits-secret" in p.name for p in backup_dir.rglob("*"))
    assert not (backup_dir / "run").exists()
    assert oct(backup_dir.stat().st_mode & 0o777) == "0o700"
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["engine"] == engine and manifest["rows"]["auth_user"] == 1

    # The machine is lost: a new data folder (and an empty database), then the restore.
    shutil.rmtree(data)
    restored = site_env(tmp_path, "restored", engine) if engine == "postgresql" else site
    if engine == "postgresql":
        restored["REDAC_DATA_DIR"] = site["REDAC_DATA_DIR"]
    out = redac(restored, "restore", str(backup_dir)).stdout
    assert "every table has its rows back" in out and "migrations applied" in out
    assert (data / "secret_key").read_text() == key
    assert oct((data / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert (data / "media" / "documents" / "rapport.pdf").read_bytes() == b"%PDF-1.4 rapport"
    assert not (data / "run").exists()
    assert shell(restored, "from django.contrib.auth.models import User; "
                           "print(User.objects.get().username)") == "redactrice"  # fmt: skip
    # A user's session signed with the old key is still valid: the key is the same one.
    assert shell(restored, "from django.conf import settings; print(settings.SECRET_KEY)") == key


def test_a_backup_is_not_restored_onto_another_engine(tmp_path):
    site = site_env(tmp_path, "site", "sqlite")
    redac(site, "migrate", "--noinput", "-v0")
    backup_dir = tmp_path / "backup"
    redac(site, "backup", str(backup_dir))
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    manifest["engine"] = "postgresql"
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    result = redac(site, "restore", str(backup_dir), check=False)
    assert result.returncode != 0
    assert "move-database" in result.stderr
