"""Security case 57: redac fetches no address that a user gives it (SSRF).

redac imports no feed and has no "fetch this URL" feature. The SPIP importer reads a local file or
an operator's ``mysql://`` database; any other address given as its SOURCE is refused in one line
before any connection. The only outbound requests the application makes are the oEmbed look-ups
of allow-listed video and sound providers (case 61), the operator's SMTP server and database.
These tests fail if a connection is attempted, and if a module of redac starts importing an HTTP
client, so that a future feature that fetches URLs has to come with its own allow-list and tests.
"""

from __future__ import annotations

import ast
import re
import socket
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

REDAC = Path(__file__).resolve().parents[2] / "redac"
HOSTILE_ADDRESSES = [
    "http://127.0.0.1:8000/admin/",
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "https://evil.example/spip.sqlite",
    "ftp://127.0.0.1/dump.xml",
    "gopher://127.0.0.1:6379/_FLUSHALL",
    "http://[::1]:5432/",
]


@pytest.fixture
def no_network(monkeypatch):
    """Every way Python opens a connection or resolves a name, recorded and refused."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during a test that forbids it")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.mark.parametrize("address", HOSTILE_ADDRESSES)
def test_case_57_import_spip_refuses_an_address_without_connecting(capsys, no_network, address):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-spip", address, verbosity=0)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "Traceback" not in error
    assert "adresse refusée" in error and "ne télécharge rien" in error
    assert no_network == []


@pytest.mark.parametrize("address", HOSTILE_ADDRESSES)
def test_case_57_embeds_fetch_nothing_outside_the_provider_allow_list(db, no_network, address):
    from wagtail.embeds.blocks import EmbedBlock

    block = EmbedBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python(address))
    assert no_network == []


#: Modules that open connections to an address given to them.
FETCHING_MODULES = re.compile(
    r"^(urllib\.request|urllib3|http\.client|requests|httpx|aiohttp|ftplib|feedparser|pycurl"
    r"|xmlrpc\.client|telnetlib|poplib|imaplib|websocket|websockets)(\.|$)"
)
#: What redac may use of ``socket`` (names and addresses, never a connection) and of ``smtplib``
#: (its exception classes: Django's mail backend connects to the operator's server).
ALLOWED_ATTRIBUTES = {
    "socket": re.compile(r"^(gethostname|inet_pton|inet_ntop|AF_INET6?|error|gaierror|timeout)$"),
    "smtplib": re.compile(r"^SMTP\w*(Exception|Error|Refused)$"),
}


#: Modules that only *listen*: ``redac serve`` probes that its port is free before starting
#: granian. They may create and bind sockets but never connect anywhere (checked below). (The
#: tests' own free-port helper is tests/support/processes.py, outside the application.)
LISTEN_ONLY = {"redac/core/management/commands/serve.py"}
CONNECTING = re.compile(r"^(connect|connect_ex|create_connection|sendto|getaddrinfo)$")


def application_modules(root: Path):
    for path in sorted(root.rglob("*.py")):
        if "tests" not in path.relative_to(root).parts:
            yield path


def code_that_can_fetch(root: Path) -> list[str]:
    """``file:line name`` of every import of a fetching module, and every use of ``socket`` or
    ``smtplib`` beyond the allowed names, in the application modules under ``root``."""
    offences = []
    for path in application_modules(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if str(path.relative_to(root.parent)) in LISTEN_ONLY:
            offences += [
                f"{path.relative_to(root.parent)}:{node.lineno} {node.attr}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and CONNECTING.match(node.attr)
            ]
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                if node.module in ALLOWED_ATTRIBUTES:
                    names += [f"{node.module}:{a.name}" for a in node.names
                              if not ALLOWED_ATTRIBUTES[node.module].match(a.name)]  # fmt: skip
            elif (
                isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in ALLOWED_ATTRIBUTES
                and not ALLOWED_ATTRIBUTES[node.value.id].match(node.attr)
            ):  # fmt: skip
                names = [f"{node.value.id}:{node.attr}"]
            else:
                continue
            offences += [f"{path.relative_to(root.parent)}:{node.lineno} {name}" for name in names
                         if FETCHING_MODULES.match(name) or ":" in name]  # fmt: skip
    return offences


def test_case_57_no_application_module_can_fetch_a_url():
    assert code_that_can_fetch(REDAC) == []
    # The scan sees the modules it must (it would pass vacuously on an empty tree).
    scanned = {p.relative_to(REDAC).as_posix() for p in application_modules(REDAC)}
    assert {"contact/services.py", "visits/visitor.py", "spipimport/readers/__init__.py"} <= scanned


def test_case_57_the_scan_catches_a_module_that_fetches(tmp_path):
    """The check above is not vacuous: the same walk flags what it is meant to flag."""
    fake = tmp_path / "redac"
    (fake / "feeds").mkdir(parents=True)
    (fake / "feeds" / "syndication.py").write_text(
        "import urllib.request\nimport smtplib\nimport socket\nfrom httpx import get\n"
        "socket.create_connection(('127.0.0.1', 80))\nsmtplib.SMTP('x')\n"
        "socket.gethostname()\nraise smtplib.SMTPException()\n"
    )
    assert code_that_can_fetch(fake) == [
        "redac/feeds/syndication.py:1 urllib.request",
        "redac/feeds/syndication.py:4 httpx",
        "redac/feeds/syndication.py:4 httpx.get",
        "redac/feeds/syndication.py:5 socket:create_connection",
        "redac/feeds/syndication.py:6 smtplib:SMTP",
    ]
