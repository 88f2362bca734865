import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_database_is_configured_for_safe_concurrent_writes():
    config = settings.DATABASES["default"]
    # Persistent connections on both databases: opening one costs more than a page's queries.
    assert config["CONN_MAX_AGE"] > 0 and config["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "sqlite":
        # WAL + IMMEDIATE: readers never block, writers queue on the busy timeout.
        assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert config["OPTIONS"]["timeout"] >= 5
        assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    else:
        assert connection.vendor == "postgresql"
        assert config["CONN_HEALTH_CHECKS"] is True
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_encoding")
            assert cursor.fetchone()[0] == "UTF8"


@pytest.mark.slow  # runs redac in a subprocess
def test_default_database_is_a_sqlite_file_in_the_data_dir(monkeypatch, tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "REDAC_DATA_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    out = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
         f"'redac.settings'; django.setup(); {code}"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == str(tmp_path / "redac.sqlite3")
