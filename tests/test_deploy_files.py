"""docs/deploy/: the systemd unit, the container file and the compose file that the docs use
(issue 17) say only what is true: valid for systemd, hardened, naming files and variables that
exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "docs" / "deploy"


def directives(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in unit.splitlines():
        match = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


def test_the_systemd_unit_is_valid(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        from conftest import skip_or_fail

        skip_or_fail("systemd-analyze is not installed")
    # The unit names /opt/redac; point it at this checkout's redac to verify everything else.
    unit = (DEPLOY / "redac.service").read_text()
    unit = unit.replace("/opt/redac/.venv/bin/redac", str(Path(sys.executable).parent / "redac"))
    path = tmp_path / "redac.service"
    path.write_text(unit)
    result = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if "redac.service" in line]  # fmt: skip
    assert not problems, problems


def test_the_systemd_unit_is_hardened_and_starts_redac_serve_on_loopback():
    unit = directives((DEPLOY / "redac.service").read_text())
    assert unit["ExecStart"] == ["/opt/redac/.venv/bin/redac serve --host 127.0.0.1 --port 8000"]
    assert unit["ExecStartPre"] == ["/opt/redac/.venv/bin/redac migrate --noinput"]
    for name, value in {
        "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ReadWritePaths": "/var/lib/redac",
        "ProtectHome": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes",
        "CapabilityBoundingSet": "", "RestrictSUIDSGID": "yes", "KillMode": "mixed",
        "SystemCallFilter": "@system-service", "User": "redac",
    }.items():  # fmt: skip
        assert unit.get(name) == [value], name


def test_the_container_file_copies_what_exists_and_runs_as_a_user():
    text = (DEPLOY / "Dockerfile").read_text()
    for sources in re.findall(r"^COPY (.+) \S+$", text, re.M):
        for source in sources.split():
            assert (REPO / source).exists(), source
    assert re.search(r"^USER redac$", text, re.M)
    assert "REDAC_DATA_DIR=/var/lib/redac" in text
    assert "/healthz" in text
    assert "redac migrate --noinput && exec redac serve --host 0.0.0.0 --port 8000" in text


def test_compose_uses_only_documented_variables_and_the_container_file():
    text = (DEPLOY / "compose.yaml").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|",
                                (REPO / "docs" / "configuration.md").read_text(), re.M))  # fmt: skip
    used = set(re.findall(r"^\s+((?:REDAC_|DATABASE_URL)[A-Z0-9_]*):", text, re.M))
    assert used, "the scan found no variable"
    assert used <= documented, used - documented
    assert "dockerfile: docs/deploy/Dockerfile" in text
    assert {"postgres:", "redis:", "redac:"} <= set(re.findall(r"^  (\w+:)", text, re.M))


@pytest.mark.parametrize("name", ["redac.service", "Dockerfile", "compose.yaml", "nginx.conf"])
def test_the_operations_guide_uses_each_file(name):
    assert f"docs/deploy/{name}" in (REPO / "docs" / "operations.md").read_text()
