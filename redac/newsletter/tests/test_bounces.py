"""`redac newsletter-bounces`: delivery-status notifications (RFC 3464 samples in dsn/) stop the
letters to addresses that bounce: at once for a permanent failure, after a few temporary ones."""

import io
import mailbox
from pathlib import Path

import pytest
from django.core.management import call_command

from redac.newsletter import sending
from redac.newsletter.bounces import parse_dsn
from redac.newsletter.models import Delivery, Subscriber

SAMPLES = Path(__file__).parent / "dsn"


def sample(name):
    return (SAMPLES / name).read_bytes()


def test_a_permanent_failure_is_a_hard_bounce_with_the_returned_message_id():
    [bounce] = parse_dsn(sample("hard_unknown_user.eml"))
    assert (bounce.address, bounce.hard, bounce.status) == ("disparu@example.net", True, "5.1.1")
    assert bounce.message_id == "<lettre1.7.abcdef012345@example.org>"


def test_a_delay_is_a_soft_bounce():
    [bounce] = parse_dsn(sample("soft_mailbox_full.eml"))
    assert (bounce.address, bounce.hard, bounce.status) == ("plein@example.net", False, "4.2.2")


def test_successes_are_ignored_and_each_failed_recipient_counts():
    bounces = parse_dsn(sample("mixed_recipients.eml"))
    assert [(b.address, b.hard) for b in bounces] == [("ferme@example.net", True),
                                                      ("inconnu-de-nous@example.net", True)]  # fmt: skip


def test_a_reply_that_is_not_a_report_bounces_nobody():
    assert parse_dsn(sample("not_a_report.eml")) == []


def _run(stdin_bytes=None, **options):
    out = io.StringIO()
    if stdin_bytes is not None:

        class Stdin:
            buffer = io.BytesIO(stdin_bytes)

        import sys

        real, sys.stdin = sys.stdin, Stdin()
        try:
            call_command("newsletter-bounces", stdout=out, **options)
        finally:
            sys.stdin = real
    else:
        call_command("newsletter-bounces", stdout=out, **options)
    return out.getvalue()


def test_a_hard_bounce_read_from_stdin_stops_the_letters_at_once(weekly, make_subscribers):
    make_subscribers(weekly, 1, prefix="disparu")
    Subscriber.objects.filter(email="disparu0@example.net").update(email="disparu@example.net")
    assert sending.recipients(weekly).count() == 1
    output = _run(sample("hard_unknown_user.eml"))
    assert "1 refus définitif" in output
    assert Subscriber.objects.get().hard_bounced_at is not None
    assert sending.recipients(weekly).count() == 0


def test_soft_bounces_stop_the_letters_after_the_configured_number(
    weekly, make_subscribers, settings, tmp_path
):
    settings.REDAC_NEWSLETTER_SOFT_BOUNCES = 2
    make_subscribers(weekly, 1)
    Subscriber.objects.update(email="plein@example.net")
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(mailbox.MaildirMessage(sample("soft_mailbox_full.eml")))
    box.add(mailbox.MaildirMessage(sample("not_a_report.eml")))
    output = _run(maildir=str(tmp_path / "bounces"))
    assert "2 message(s) lu(s)" in output and "1 échec(s) temporaire(s)" in output
    assert sending.recipients(weekly).count() == 1  # one soft bounce: still sent to
    assert "0 message(s) lu(s)" in _run(maildir=str(tmp_path / "bounces"))  # read once only
    box.add(mailbox.MaildirMessage(sample("soft_mailbox_full.eml")))
    _run(maildir=str(tmp_path / "bounces"))
    assert Subscriber.objects.get().soft_bounces == 2
    assert sending.recipients(weekly).count() == 0


def test_the_bounced_letter_is_marked_failed_in_the_send_table(letter, weekly, make_subscribers):
    make_subscribers(weekly, 1)
    sending.start_sending(letter)
    Delivery.objects.update(message_id="<lettre1.7.abcdef012345@example.org>",
                            state=Delivery.State.SENT)  # fmt: skip
    Subscriber.objects.update(email="disparu@example.net")
    _run(sample("hard_unknown_user.eml"))
    assert Delivery.objects.get().state == Delivery.State.FAILED


def test_a_folder_that_is_not_a_maildir_is_refused_in_one_line(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="pas un dossier maildir"):
        _run(maildir=str(tmp_path))
