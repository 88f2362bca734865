"""Issue 15 (low): the anti-spam stamp of the public forms proved only that a form had been
shown some seconds before; one stamp, fetched once, could be replayed for any number of posts.
Each stamp now carries a nonce, spent by the first post that uses it: the nonces are kept in the
database (shared by every worker and node) until the stamp expires, then purged."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from redac.core.lib.antispam import REPLAYED_MESSAGE, STAMP_MAX_AGE, issue_stamp, use_stamp


@pytest.fixture
def one_stamp():
    return issue_stamp(time.time() - 60)


def test_attack_stamp_replay_a_comment_stamp_posts_once(client, article, one_stamp):
    from redac.comments.models import Comment

    article.comments_mode = "post"
    article.save(update_fields=["comments_mode"])
    codes = []
    for n in range(3):
        data = {"author_name": "Sam Lecteur", "body": f"Message {n}", "horodatage": one_stamp}
        codes.append(client.post(f"/commentaires/{article.pk}/", data,
                                 REMOTE_ADDR=f"203.0.113.{n + 1}").status_code)  # fmt: skip
    assert codes == [302, 400, 400]
    assert Comment.objects.filter(body__startswith="Message ").count() == 1


def test_attack_stamp_replay_the_token_api_stamp_posts_once(client, article):
    """The stamp a cached page's script fetches from /api/comments/token/ is spent the same way."""
    article.comments_mode = "post"
    article.save(update_fields=["comments_mode"])
    stamp = client.get("/api/comments/token/").json()["stamp"]
    future = time.time() + 60  # past the minimum fill time
    assert use_stamp(stamp, now=future) is None
    assert use_stamp(stamp, now=future) == REPLAYED_MESSAGE


def test_attack_stamp_replay_a_contact_stamp_sends_one_message(client, contact_page, one_stamp):
    from redac.contact.models import ContactMessage

    subject = contact_page.subjects.first().pk
    codes = []
    for n in range(3):
        data = {"name": "Bot", "email": "bot@example.org", "subject": subject,
                "message": f"Spam {n}", "horodatage": one_stamp}  # fmt: skip
        codes.append(client.post(contact_page.url, data,
                                 REMOTE_ADDR=f"203.0.113.{n + 20}").status_code)  # fmt: skip
    assert codes[0] == 302 and codes[1:] == [400, 400]
    assert ContactMessage.objects.count() == 1


def test_attack_stamp_replay_a_newsletter_stamp_signs_up_once(client, db, one_stamp):
    from redac.newsletter.models import Subscriber

    codes = [client.post("/lettre/", {"email": f"n{n}@example.org", "consent": "on",
                                      "horodatage": one_stamp},
                         REMOTE_ADDR=f"198.51.100.{n + 1}").status_code
             for n in range(3)]  # fmt: skip
    assert codes[0] == 302 and codes[1:] == [400, 400]
    assert Subscriber.objects.count() == 1


def test_attack_stamp_replay_a_refused_post_shows_the_reason_and_a_fresh_stamp(
    client, article, one_stamp
):
    article.comments_mode = "post"
    article.save(update_fields=["comments_mode"])
    data = {"author_name": "Sam Lecteur", "body": "Un", "horodatage": one_stamp}
    client.post(f"/commentaires/{article.pk}/", data, REMOTE_ADDR="203.0.113.60")
    again = client.post(f"/commentaires/{article.pk}/", data, REMOTE_ADDR="203.0.113.61")
    page = again.content.decode()
    assert again.status_code == 400 and "déjà été envoyé" in page
    assert one_stamp not in page  # the form comes back with a new stamp, the text kept
    assert "Un</textarea>" in page


def test_attack_stamp_replay_spent_stamps_are_purged_once_expired(db):
    from redac.core.lib.antispam import purge_used_stamps
    from redac.core.models import UsedFormStamp

    old = time.time() - STAMP_MAX_AGE - 120
    assert use_stamp(issue_stamp(old), now=old + 60) is None
    assert use_stamp(issue_stamp(time.time() - 60)) is None
    assert UsedFormStamp.objects.count() == 2
    assert purge_used_stamps(timezone.now() + dt.timedelta(seconds=1)) == 1
    assert UsedFormStamp.objects.count() == 1
