"""The real crash: a sender process killed with SIGKILL in the middle of a letter's send, then a
new one started. Every subscriber gets the letter exactly once (receiver-side count by Message-ID
on aiosmtpd); the one residual window is documented in redac/newsletter/sending.py."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from redac.contact.tests.test_outbox_smtp_faults import _database_url_for_subprocess
from redac.newsletter import sending
from redac.newsletter.models import Delivery, Letter, NewsletterList
from tests.support.smtp_sink import SmtpSink, free_port

pytestmark = pytest.mark.slow  # starts real processes (left out of make test-fast)

SENDER = (
    "import time, django; django.setup()\n"
    "from redac.newsletter.sending import send_due_letters\n"
    "while True:\n"
    "    send_due_letters()\n"
    "    time.sleep(0.1)\n"
)


def _states(database_url):
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return dict(db.execute("select state, count(*) from newsletter_delivery group by 1"))
    from django.db.models import Count

    return {row["state"]: row["n"]
            for row in Delivery.objects.values("state").annotate(n=Count("pk")).order_by()}  # fmt: skip


def _start_sender(tmp_path, database_url, port):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redac.settings",
           "REDAC_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url,
           "REDAC_EMAIL_URL": f"smtp://127.0.0.1:{port}?timeout=5",
           "REDAC_OUTBOX_CLAIM_SECONDS": "2", "REDAC_NEWSLETTER_RATE": "0",
           "REDAC_NEWSLETTER_BATCH": "10"}  # fmt: skip
    env.pop("REDAC_TEST_DB_NAME", None)
    return subprocess.Popen([sys.executable, "-c", SENDER], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip


def _wait(condition, timeout, sender):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if sender.poll() is not None:
            raise AssertionError(f"sender exited: {sender.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sender_killed_mid_letter_and_restarted_sends_to_everyone_exactly_once(
    demo, tmp_path, make_subscribers
):
    weekly = NewsletterList.objects.create(name="Hebdo", slug="hebdo-kill")
    make_subscribers(weekly, 40)
    letter = Letter.objects.create(list=weekly, subject="Lettre interrompue", editorial="Bonjour.")
    sending.start_sending(letter)
    database_url = _database_url_for_subprocess(tmp_path)
    port = free_port()
    with SmtpSink(port, delay=0.1) as sink:
        sender = _start_sender(tmp_path, database_url, port)
        try:
            assert _wait(lambda: len(sink.message_ids()) >= 15, 90, sender), "nothing was sent"
            # The previous mail is marked sent and the next one's DATA is under way.
            assert _wait(lambda: sink.in_progress == 1 and _states(database_url).get("sent", 0)
                         == len(sink.message_ids()), 30, sender)  # fmt: skip
            sender.send_signal(signal.SIGKILL)
            sender.wait(10)
        finally:
            if sender.poll() is None:
                sender.kill()
        assert len(sink.message_ids()) < 40
        sender = _start_sender(tmp_path, database_url, port)
        try:
            assert _wait(lambda: _states(database_url) == {"sent": 40}, 120, sender)
            time.sleep(1)  # anything sent twice would arrive now
        finally:
            sender.send_signal(signal.SIGTERM)
            try:
                sender.wait(10)
            except subprocess.TimeoutExpired:
                sender.kill()
        received = sink.message_ids()
        recipients = sorted(m["To"] for m in sink.messages)
    assert len(received) == 40 and set(received.values()) == {1}
    assert recipients == sorted(f"lecteur{n}@example.net" for n in range(40))
