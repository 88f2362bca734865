"""Browser journeys against a fresh demo, as a person meets redac after ``make demo``.

- :class:`DemoServer`: ``redac demo`` into a temporary REDAC_DATA_DIR (SQLite, as ``make demo``
  makes it), then ``redac serve`` on a free port; the admin's login and password are read from
  what ``redac demo`` prints, the mails from what the server prints (the demo's mails go to the
  terminal), and ``run()`` calls any other ``redac`` command on the same site.
- Playwright (Python) driving Debian's chromium, headless, in desktop or phone (390 × 844)
  contexts, French locale, Paris time.
- :func:`assert_accessible`: axe-core (pinned in package.json, installed by ``make install-test``
  with ``npm ci``) run in the page; critical or serious violations fail the test, listed readably.
- :func:`totp_now`: the current code of an authenticator app, from the secret the 2FA page shows.
- :class:`Screenshots`: one PNG per step under ``test-artifacts/<module>/<test>/``.

The fixtures (``demo_server``, ``browser``, ``browser_page``, ``desktop``, ``phone``, ``shots``)
are wired by ``tests/browser/conftest.py``; a test elsewhere that needs chromium opens it with
:func:`launched_chromium` (the one place chromium is launched). Nothing here imports Django: the demo runs in its own processes, on
its own database, exactly as an operator would run it, so the test process only clicks and reads.
"""

from __future__ import annotations

import base64
import contextlib
import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.processes import free_port

REPO_DIR = Path(__file__).resolve().parents[2]
#: Screenshots and logs of browser tests (git-ignored); REDAC_TEST_ARTIFACTS moves it (CI).
ARTIFACTS_DIR = Path(os.environ.get("REDAC_TEST_ARTIFACTS", REPO_DIR / "test-artifacts"))
#: axe-core as ``npm ci`` installs it from package-lock.json.
AXE_PATH = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"

#: Headless chromium as root in a container, and quiet: no request leaves the machine for
#: Google's services (component updates, sync, safe browsing lists, QUIC probes).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--metrics-recording-only",
    "--no-default-browser-check",
]  # fmt: skip

#: Browser contexts: a laptop screen, and a phone of 390 × 844 CSS pixels (issue 16's reader).
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    ),
}
COMMON_CONTEXT = {"locale": "fr-FR", "timezone_id": "Europe/Paris"}

#: Seconds: ``redac demo`` migrates a new database (long on a busy 2-core machine); the server
#: then collects static files before it answers.
DEMO_TIMEOUT = 1200
SERVE_TIMEOUT = 180


def chromium_executable() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@contextlib.contextmanager
def launched_chromium():
    """Debian's chromium, headless, driven by Playwright's synchronous API (``CHROMIUM_ARGS``);
    skips the test, saying why, when chromium or Playwright is missing (fails in CI). Playwright
    runs an event loop in this thread, where Django's calls are in fact synchronous: Django is
    told so while the browser is open (tests that touch the test database too)."""
    from conftest import skip_or_fail

    executable = chromium_executable()
    if executable is None:
        skip_or_fail("chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright (Python) is not installed (make install-test)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def redac_command() -> str:
    """The ``redac`` script of the environment running the tests (the project's .venv)."""
    beside = Path(sys.executable).with_name("redac")
    if beside.exists():
        return str(beside)
    found = shutil.which("redac")
    if found is None:
        raise RuntimeError("the redac command is not installed (make install-test)")
    return found


# --- The demo server -----------------------------------------------------------------------------


class DemoError(RuntimeError):
    pass


@dataclass
class Mail:
    """One mail as the demo's console backend printed it."""

    subject: str
    sender: str
    to: list[str]
    body: str
    message: email.message.EmailMessage = field(repr=False)

    @property
    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"»]+", self.body)


#: The line Django's console e-mail backend prints after each message.
_CONSOLE_MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"


def parse_console_mails(output: str) -> list[Mail]:
    """The mails in a stream printed by Django's console backend, among other lines (server
    logs): each message starts with its Content-Type header followed by MIME-Version and ends
    with a line of 79 dashes."""
    mails = []
    for chunk in output.split(_CONSOLE_MAIL_SEPARATOR)[:-1]:
        match = None
        for match in re.finditer(r"^Content-Type: [^\n]*\nMIME-Version: 1\.0\n", chunk, re.M):
            pass  # the last message start of the chunk: anything before it is other output
        if match is None:
            continue
        # The backend decoded the message's bytes with its charset (UTF-8) to print them.
        raw = chunk[match.start() :].encode("utf-8", errors="surrogateescape")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body_part = message.get_body(preferencelist=("plain", "html"))
        body = body_part.get_content() if body_part is not None else ""
        mails.append(Mail(
            subject=str(message["Subject"] or "").strip(), sender=str(message["From"] or ""),
            to=[address.strip() for address in str(message["To"] or "").split(",") if address],
            body=body, message=message,
        ))  # fmt: skip
    return mails


class DemoServer:
    """A fresh demo, as ``make demo`` makes it: ``redac demo`` then ``redac serve``, in a
    temporary REDAC_DATA_DIR, on a free port of 127.0.0.1.

    The environment is the test run's without what belongs to the test settings (pytest-django's
    DJANGO_SETTINGS_MODULE, REDAC_* and DATABASE_URL): the demo reads its defaults, as after a
    fresh clone (SQLite in the data folder, mails printed on the terminal). ``env`` adds to it.
    """

    def __init__(self, artifacts: Path, *, env: dict[str, str] | None = None,
                 workers: int | None = None):  # fmt: skip
        self.artifacts = artifacts
        self.extra_env = dict(env or {})
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = Path(tempfile.mkdtemp(prefix="redac-demo-"))
        # In the server's own folder (two suite passes at once share test-artifacts/: one read
        # the other's mails); copied to test-artifacts/ when the server stops.
        self.log_path = self.data_dir / "server.log"
        self.demo_output = ""
        self.username = ""
        self.password = ""
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def env(self) -> dict[str, str]:
        env = {
            name: value for name, value in os.environ.items()
            if not name.startswith(("REDAC_", "DJANGO_", "PYTEST_"))
            and name not in {"DATABASE_URL", "PG_URL"}
        }  # fmt: skip
        env.update({
            "REDAC_DATA_DIR": str(self.data_dir),
            "REDAC_SITE_URL": self.url,  # as the Makefile exports it
            "PYTHONUNBUFFERED": "1",  # the log shows mails and errors as they happen
        })  # fmt: skip
        env.update(self.extra_env)
        return env

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> str:
        """``redac <args>`` on this demo's site; returns what it printed (stdout and stderr)."""
        result = subprocess.run(
            [redac_command(), *args], env=self.env, cwd=self.data_dir, capture_output=True,
            text=True, timeout=timeout,
        )  # fmt: skip
        output = result.stdout + result.stderr
        if check and result.returncode != 0:
            raise DemoError(f"redac {' '.join(args)} exited {result.returncode}:\n{output}")
        return output

    def shell(self, code: str) -> str:
        """Run Python in the demo's Django (``redac shell -c``): for what a person checks outside
        the browser, such as what the database holds. Returns its stdout, stripped."""
        # --verbosity 0: no « N objects imported automatically » line before the output.
        return self.run("shell", "--verbosity", "0", "-c", code).strip()

    def start(self) -> DemoServer:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.demo_output = self.run("demo", timeout=DEMO_TIMEOUT)
        (self.artifacts / "demo.log").write_text(self.demo_output)
        self.username, self.password = parse_demo_login(self.demo_output)
        argv = [redac_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.workers:
            argv += ["--workers", str(self.workers)]
        self._log = open(self.log_path, "w")  # closed in stop()
        # Its own process group: stop() ends the server and everything it started.
        self.process = subprocess.Popen(argv, env=self.env, cwd=self.data_dir, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self._wait_until_serving()
        return self

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + SERVE_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DemoError(f"redac serve exited {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise DemoError(f"redac serve did not answer within {SERVE_TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # SIGTERM to serve: it stops granian and the worker and waits for them.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.log_path.exists():
            self.artifacts.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.log_path, self.artifacts / "server.log")
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def log(self) -> str:
        """What the server (granian and the background worker) printed so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def mails(self) -> list[Mail]:
        """Every mail the demo sent so far (its outbox goes to the terminal)."""
        return parse_console_mails(self.log())

    def wait_for_mail(self, to: str, *, subject_contains: str = "", timeout: float = 60) -> Mail:
        """The newest mail to ``to`` (whose subject contains ``subject_contains``), waiting for
        the background worker to send it from the outbox."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                mail for mail in self.mails()
                if to in mail.to and subject_contains in mail.subject
            ]  # fmt: skip
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                sent = [(mail.to, mail.subject) for mail in self.mails()]
                raise AssertionError(
                    f"no mail to {to} ({subject_contains!r}) within {timeout} s; sent: {sent}"
                )
            time.sleep(0.5)


def parse_demo_login(output: str) -> tuple[str, str]:
    """The administrator's login and password from what ``redac demo`` prints."""
    user = re.search(r"identifiant\s*:\s*(\S+)", output)
    password = re.search(r"mot de passe\s*:\s*(\S+)", output)
    if not user or not password:
        raise DemoError(f"redac demo printed no login and password:\n{output}")
    return user.group(1), password.group(1)


# --- Two-factor codes ----------------------------------------------------------------------------


def totp_now(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows for ``secret`` (base32, as the 2FA page prints it,
    spaces and case ignored) at ``at`` (now by default): RFC 6238 with HMAC-SHA1, the defaults of
    every app and of django-otp. A few lines of the RFC rather than a library, so that the test
    checks the page against the standard and not against django-otp's own code."""
    compact = re.sub(r"[\s=]", "", secret).upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def fresh_totp(secret: str, *, used: set[str] | None = None) -> str:
    """A code that will not expire while it is typed, and one that was not used yet: django-otp
    refuses a code a second time (replay), so a second login in the same 30 s waits for the next
    one, as a person would."""
    while True:
        remaining = 30 - time.time() % 30
        if remaining < 3:
            time.sleep(remaining + 0.1)
            continue
        code = totp_now(secret)
        if used is None or code not in used:
            if used is not None:
                used.add(code)
            return code
        time.sleep(remaining + 0.1)


# --- Accessibility -------------------------------------------------------------------------------

#: axe-core impacts that fail a test (issue 16): the others are reported, not fatal.
FAILING_IMPACTS = ("critical", "serious")


def axe_source() -> str:
    if not AXE_PATH.exists():
        raise FileNotFoundError(f"{AXE_PATH} is missing: run `make install-test` (npm ci)")
    return AXE_PATH.read_text()


def inject_axe(page) -> None:
    """Put axe-core into the page without loosening its CSP: Playwright evaluates the script
    through the DevTools protocol, which the page's Content-Security-Policy does not govern
    (a ``<script>`` tag added to the page would be refused by ``script-src 'self'``)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;undefined")


def axe_violations(page, *, include: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (all WCAG 2.x A/AA and best-practice
    rules axe runs by default)."""
    inject_axe(page)
    return page.evaluate(
        """async (include) => {
            const context = include && include.length ? {include: include} : document;
            const result = await axe.run(context, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html,
                                          summary: n.failureSummary})),
            }));
        }""",
        include,
    )


def format_violations(violations: list[dict], *, url: str = "") -> str:
    lines = [f"{len(violations)} accessibility violation(s)" + (f" on {url}" if url else "")]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            html = re.sub(r"\s+", " ", node["html"])[:200]
            lines.append(f"    at {target}: {html}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def settle(page, timeout: float = 5_000) -> None:
    """Wait for the page's finite animations and transitions to end (a message sliding in, a
    panel opening): axe measures colours as drawn, and a half-transparent message is a contrast
    failure of the moment, not of the page. Endless ones (the flash ticker) are not waited for."""
    page.wait_for_function(
        """() => document.getAnimations().every(a => a.playState !== 'running'
                 || a.effect === null || a.effect.getComputedTiming().endTime === Infinity)""",
        timeout=timeout,
    )


def assert_accessible(page, label: str = "", *, shots: Screenshots | None = None) -> list[dict]:
    """Fail on axe-core's critical or serious violations, listed readably; returns the minor
    ones (reported in the artefacts when ``shots`` is given)."""
    settle(page)
    violations = axe_violations(page)
    if shots is not None:
        shots.write_json(f"axe-{label or 'page'}", {"url": page.url, "violations": violations})
    failing = [violation for violation in violations if violation["impact"] in FAILING_IMPACTS]
    if failing:
        raise AssertionError(format_violations(failing, url=page.url))
    return violations


# --- Screenshots and other artefacts -------------------------------------------------------------


def artifacts_dir_for(nodeid: str) -> Path:
    """``test-artifacts/<module>/<test>/`` for a pytest node id."""
    module, _, name = nodeid.partition("::")
    safe = [re.sub(r"[^\w.-]+", "_", part).strip("_") for part in (Path(module).stem, name)]
    return ARTIFACTS_DIR.joinpath(*(part for part in safe if part))


class Screenshots:
    """Numbered screenshots of one test's steps: ``shots(page, "2fa")`` writes
    ``test-artifacts/<module>/<test>/03-2fa.png`` (full page)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0
        if directory.exists():
            shutil.rmtree(directory)  # only this run's pictures

    def _path(self, step: str, suffix: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count += 1
        name = re.sub(r"[^\w-]+", "-", step)
        return self.directory / f"{self.count:02d}-{name}{suffix}"

    def __call__(self, page, step: str, *, full_page: bool = True) -> Path:
        path = self._path(step, ".png")
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def write_json(self, step: str, data) -> Path:
        path = self._path(step, ".json")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
        return path

    def write_text(self, step: str, text: str) -> Path:
        path = self._path(step, ".txt")
        path.write_text(text)
        return path
