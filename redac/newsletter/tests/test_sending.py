"""Sending a letter to a real SMTP server (aiosmtpd): every subscriber once, with their own
unsubscribe link and headers, resumable after a crash with no duplicate and nobody skipped,
pausable and cancellable."""

import datetime as dt
import re
from email.header import decode_header, make_header

import pytest
from django.core.cache import cache
from django.utils import timezone

from redac.newsletter import sending
from redac.newsletter.models import Delivery, Letter, Subscription
from tests.support.smtp_sink import SmtpSink, free_port

from .conftest import smtp_connection

pytestmark = pytest.mark.usefixtures("no_rate_limit")


class Crash(BaseException):
    """What a kill looks like from inside: nothing after it runs (not even ``except Exception``)."""


class CrashingConnection:
    """An SMTP connection that dies before handing over its ``after``-th mail."""

    def __init__(self, real, after):
        self.real, self.after, self.calls = real, after, 0

    def open(self):
        return self.real.open()

    def close(self):
        return self.real.close()

    def send_messages(self, messages):
        self.calls += 1
        if self.calls > self.after:
            raise Crash
        return self.real.send_messages(messages)


def _body(message, subtype):
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/{subtype} part")


def test_a_letter_reaches_every_confirmed_subscriber_once_with_its_articles(
    letter, weekly, make_subscribers, personas
):
    make_subscribers(weekly, 12)
    pending = make_subscribers(weekly, 1, prefix="attente")[0]
    Subscription.objects.filter(subscriber=pending).update(status=Subscription.Status.PENDING)
    port = free_port()
    assert sending.start_sending(letter)
    assert not sending.start_sending(letter)  # the send table is made once
    assert Delivery.objects.filter(letter=letter).count() == 12
    with SmtpSink(port) as sink:
        assert sending.send_batch(letter, connection=smtp_connection(port)) == 12
        assert sending.send_batch(letter, connection=smtp_connection(port)) == 0
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT and letter.finished_at
    assert sending.progress(letter) == {"sent": 12, "remaining": 0, "failed": 0}
    assert sorted(m["To"] for m in sink.messages) == sorted(
        f"lecteur{n}@example.net" for n in range(12)
    )
    assert all(count == 1 for count in sink.message_ids().values())
    assert len(sink.message_ids()) == 12  # one Message-ID per recipient
    message = sink.messages[0]
    assert str(make_header(decode_header(message["From"]))) == "La rédaction <lettre@example.org>"
    assert message["List-Id"] == "hebdo <hebdo.127.0.0.1>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = "".join(message["List-Unsubscribe"].split()).strip("<>")  # unfolded
    assert link.startswith("http://127.0.0.1:8000/lettre/quitter/")
    html, text = _body(message, "html"), _body(message, "plain")
    for article in (personas["article_a"], personas["article_b"]):
        assert article.title in text
    assert "<table" in html and 'style="' in html and "<script" not in html
    assert link in html and link in text  # the personal link, in both parts
    assert "Bonne lecture." in text
    # Each recipient gets their own link.
    links = {m["List-Unsubscribe"] for m in sink.messages}
    assert len(links) == 12


def test_images_in_the_letter_have_alt_text_and_absolute_addresses(
    letter, weekly, make_subscribers, personas, settings, tmp_path
):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file_jpeg

    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()  # Wagtail remembers renditions there
    image = get_image_model().objects.create(
        title="Manifestation devant la mairie", file=get_test_image_file_jpeg(filename="manif.jpg")
    )
    article = personas["article_a"]
    article.lead_image = image
    article.save(update_fields=["lead_image"])
    html = sending.build_message(letter, make_subscribers(weekly, 1)[0], "<x@y>",
                                 sending.letter_context(letter)).alternatives[0][0]  # fmt: skip
    assert re.search(r'<img src="http://127\.0\.0\.1:8000/[^"]+" alt="Manifestation devant la '
                     r'mairie"', html)  # fmt: skip


def test_a_send_interrupted_midway_resumes_with_no_duplicate_and_nobody_skipped(
    letter, weekly, make_subscribers
):
    make_subscribers(weekly, 30)
    sending.start_sending(letter)
    port = free_port()
    now = timezone.now()
    with SmtpSink(port) as sink:
        with pytest.raises(Crash):
            sending.send_batch(letter, connection=CrashingConnection(smtp_connection(port), 11),
                               now=now)  # fmt: skip
        # A killed process releases nothing: its lease on the letter stays until it expires.
        Letter.objects.filter(pk=letter.pk).update(
            claim_token="mort", claimed_until=now + dt.timedelta(seconds=300))  # fmt: skip
        assert len(sink.messages) == 11
        assert sending.progress(letter) == {"sent": 11, "remaining": 19, "failed": 0}
        # A new worker cannot take over before the lease expires...
        assert sending.send_batch(letter, connection=smtp_connection(port), now=now) == 0
        # ... and then sends the rest, in batches.
        later = now + dt.timedelta(seconds=301)
        assert sending.send_batch(letter, connection=smtp_connection(port), now=later,
                                  limit=10) == 10  # fmt: skip
        assert sending.send_batch(letter, connection=smtp_connection(port), now=later) == 9
    received = sink.message_ids()
    assert len(received) == 30 and set(received.values()) == {1}
    assert sorted(m["To"] for m in sink.messages) == sorted(
        f"lecteur{n}@example.net" for n in range(30)
    )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT


def test_a_mail_resent_after_a_crash_in_the_duplicate_window_keeps_its_message_id(
    letter, weekly, make_subscribers
):
    """The documented window: the server accepted the mail, the process died before the row was
    marked. The mail goes again, with the same Message-ID, so the receiving side drops it."""
    make_subscribers(weekly, 3)
    sending.start_sending(letter)
    port = free_port()
    with SmtpSink(port) as sink:
        assert sending.send_batch(letter, connection=smtp_connection(port)) == 3
        first = Delivery.objects.filter(letter=letter).order_by("pk").first()
        Delivery.objects.filter(pk=first.pk).update(state=Delivery.State.PENDING)  # never marked
        Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SENDING)
        assert sending.send_batch(letter, connection=smtp_connection(port)) == 1
    assert sink.message_ids()[first.message_id] == 2
    assert len(sink.message_ids()) == 3


def test_pause_stops_the_send_and_resume_finishes_it(letter, weekly, make_subscribers):
    make_subscribers(weekly, 5)
    sending.start_sending(letter)
    port = free_port()
    with SmtpSink(port) as sink:
        assert sending.pause(letter)
        assert sending.send_due_letters(connection=smtp_connection(port)) == 0
        assert sending.send_batch(letter, connection=smtp_connection(port)) == 0
        assert sending.resume(letter)
        assert sending.send_due_letters(connection=smtp_connection(port)) == 5
    assert len(sink.messages) == 5


def test_a_pause_during_a_batch_takes_effect_within_a_few_mails(letter, weekly, make_subscribers,
                                                                 monkeypatch):  # fmt: skip
    make_subscribers(weekly, 30)
    sending.start_sending(letter)
    monkeypatch.setattr(sending, "STATE_CHECK_EVERY", 5)
    port = free_port()
    real = smtp_connection(port)

    class PausingConnection(CrashingConnection):
        def send_messages(self, messages):
            self.calls += 1
            if self.calls == 7:
                sending.pause(letter)
            return self.real.send_messages(messages)

    with SmtpSink(port) as sink:
        assert sending.send_batch(letter, connection=PausingConnection(real, 0)) == 10
    assert len(sink.messages) == 10
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PAUSED


def test_cancel_leaves_the_rest_unsent(letter, weekly, make_subscribers):
    make_subscribers(weekly, 4)
    sending.start_sending(letter)
    port = free_port()
    with SmtpSink(port) as sink:
        assert sending.send_batch(letter, connection=smtp_connection(port), limit=1) == 1
        assert sending.cancel(letter)
        assert sending.send_due_letters(connection=smtp_connection(port)) == 0
    assert len(sink.messages) == 1
    assert sending.progress(letter) == {"sent": 1, "remaining": 3, "failed": 0}
    assert not sending.resume(letter)


def test_a_scheduled_letter_starts_when_its_time_comes(letter, weekly, make_subscribers):
    make_subscribers(weekly, 2)
    soon = timezone.now() + dt.timedelta(hours=1)
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SCHEDULED, scheduled_at=soon)
    port = free_port()
    with SmtpSink(port) as sink:
        assert sending.send_due_letters(connection=smtp_connection(port)) == 0
        assert sending.send_due_letters(connection=smtp_connection(port),
                                        now=soon + dt.timedelta(seconds=1)) == 2  # fmt: skip
    assert len(sink.messages) == 2


def test_who_left_the_list_after_the_send_started_gets_nothing(letter, weekly, make_subscribers):
    first, second = make_subscribers(weekly, 2)
    sending.start_sending(letter)
    Subscription.objects.filter(subscriber=second).delete()
    port = free_port()
    with SmtpSink(port) as sink:
        assert sending.send_batch(letter, connection=smtp_connection(port)) == 1
    assert [m["To"] for m in sink.messages] == [first.email]
    assert sending.progress(letter) == {"sent": 1, "remaining": 0, "failed": 1}


def test_the_send_respects_the_configured_rate(letter, weekly, make_subscribers, settings):
    import time

    make_subscribers(weekly, 6)
    settings.REDAC_NEWSLETTER_RATE = 20  # 6 mails: at least 5 intervals of 50 ms
    sending.start_sending(letter)
    port = free_port()
    with SmtpSink(port):
        started = time.monotonic()
        assert sending.send_batch(letter, connection=smtp_connection(port)) == 6
        assert time.monotonic() - started >= 0.25
