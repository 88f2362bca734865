"""Production configuration: Django's deployment checks pass, and ``redac serve`` refuses to serve
other machines with an insecure configuration."""

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "REDAC_SITE_URL": "https://journal.example.org",
    "REDAC_ALLOWED_HOSTS": "journal.example.org",
    "REDAC_SECRET_KEY": secrets.token_urlsafe(64),
    "REDAC_DEBUG": "0",
}

pytestmark = pytest.mark.slow  # runs redac in subprocesses (left out of make test-fast)


def redac(*args, env=None, tmp_path):
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("REDAC_", "DJANGO_"))}  # fmt: skip
    environment.update(REDAC_DATA_DIR=str(tmp_path), **(env or {}))
    return subprocess.run([sys.executable, "-m", "redac.cli", *args], env=environment,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = redac("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV,
                   tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_serve_refuses_to_face_the_network_without_https(tmp_path):
    result = redac("serve", "--host", "0.0.0.0", "--check-only", "--no-collectstatic",
                   tmp_path=tmp_path)  # fmt: skip
    assert result.returncode != 0
    assert "refusing to serve" in result.stderr and "https" in result.stderr


def test_serve_refuses_debug_on_a_public_address(tmp_path):
    env = dict(PRODUCTION_ENV, REDAC_DEBUG="1")
    result = redac("serve", "--host", "0.0.0.0", "--check-only", "--no-collectstatic", env=env,
                   tmp_path=tmp_path)  # fmt: skip
    assert result.returncode != 0 and "REDAC_DEBUG" in result.stderr


def test_serve_accepts_a_secure_public_configuration(tmp_path):
    result = redac("serve", "--host", "0.0.0.0", "--check-only", "--no-collectstatic",
                   env=PRODUCTION_ENV, tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "configuration OK" in result.stdout


def test_loopback_serving_for_a_local_site_is_allowed(tmp_path):
    result = redac("serve", "--check-only", "--no-collectstatic", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("REDAC_DEBUG", "peut-être"), ("DATABASE_URL", "oracle://x/y"),
     ("REDAC_LANGUAGE", "de"), ("REDAC_SITE_URL", "journal.example.org"),
     ("REDAC_SECRET_KEY", "court")],
)  # fmt: skip
def test_bad_configuration_stops_with_one_clear_line(tmp_path, variable, value):
    result = redac("check", env={variable: value}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    assert redac("check", tmp_path=tmp_path).returncode == 0
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50 and (key_file.stat().st_mode & 0o077) == 0
    assert redac("check", tmp_path=tmp_path).returncode == 0
    assert key_file.read_text() == first
