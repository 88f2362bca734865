"""The public archive of sent letters: public lists only, no personal link, cacheable like pages,
and its cached copies purged when a letter finishes sending."""

import pytest
from django.utils.html import escape

from redac.core.signals import content_changed
from redac.newsletter import sending
from redac.newsletter.models import Letter

pytestmark = pytest.mark.usefixtures("no_rate_limit")


def _send(letter):
    sending.start_sending(letter)
    while sending.send_batch(letter):
        pass


def test_a_sent_letter_appears_in_the_archive_without_personal_links(
    client, letter, weekly, make_subscribers, personas
):
    make_subscribers(weekly, 2)
    assert letter.subject not in client.get("/lettre/archives/").content.decode()
    purged = []

    def receiver(sender, paths=(), **kwargs):
        purged.extend(paths)

    content_changed.connect(receiver)
    try:
        _send(letter)
    finally:
        content_changed.disconnect(receiver)
    assert "/lettre/archives/*" in purged
    index = client.get("/lettre/archives/")
    assert letter.subject in index.content.decode()
    assert "private" not in index.get("Cache-Control", "")
    page = client.get(f"/lettre/archives/{letter.pk}/")
    html = page.content.decode()
    assert escape(personas["article_a"].title) in html and "Bonne lecture." in html
    assert "/lettre/quitter/" not in html and "@example.net" not in html
    assert "private" not in page.get("Cache-Control", "")


def test_drafts_and_private_lists_stay_out_of_the_archive(client, letter, weekly):
    assert client.get(f"/lettre/archives/{letter.pk}/").status_code == 404
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SENT)
    weekly.public = False
    weekly.save()
    assert client.get(f"/lettre/archives/{letter.pk}/").status_code == 404
