"""Readers comment; section editors moderate; only published comments reach public pages."""

import datetime as dt
import json

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from redac.comments.models import Comment
from redac.comments.services import (
    ImportedForumMessage,
    import_comments,
    post_comment,
    purge_expired_ips,
)
from redac.core.mail import send_pending_mail
from redac.core.models import OutgoingMail
from redac.news.models import CommentsMode


def test_article_shows_a_token_free_form_so_it_stays_cacheable(client, article):
    response = client.get(article.url)
    html = response.content.decode()
    assert 'id="commentaires"' in html
    assert f'action="/commentaires/{article.pk}/"' in html
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert "csrftoken" not in response.cookies
    assert "redac/js/comments.js" in html
    assert "Réagir à cet article" in html  # the no-JavaScript way in


def test_token_endpoint_gives_a_csrf_token_and_is_never_cached(client):
    response = client.get(reverse("comments:csrf"))
    data = json.loads(response.content)
    assert data["csrf"] and data["stamp"]
    assert "no-store" in response["Cache-Control"]


def test_fallback_form_page_carries_its_token_and_is_uncached(client, article):
    response = client.get(f"/commentaires/{article.pk}/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert "no-store" in response["Cache-Control"]


def test_a_comment_on_a_moderated_page_waits_and_notifies_the_section_editors(
    post_comment_as_reader, client, article, section_editor
):
    response = post_comment_as_reader(article)
    assert response.status_code == 302 and response["Location"].endswith("?envoye=attente")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "Merci pour cet article" not in client.get(article.url).content.decode()
    send_pending_mail()
    notified = {address for m in mail.outbox for address in m.to}
    assert "chef-actu@example.org" in notified
    assert "attend votre modération" in mail.outbox[0].body


def test_section_editor_approves_and_the_comment_appears_with_its_count(
    post_comment_as_reader, client, article, section_editor
):
    post_comment_as_reader(article)
    comment = Comment.objects.get()
    client.force_login(section_editor)
    queue = client.get("/admin/commentaires/").content.decode()
    assert "Merci pour cet article." in queue
    client.post("/admin/commentaires/actions/", {"ids": [comment.pk], "action": "approve"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED and comment.moderated_by == section_editor
    client.logout()
    html = client.get(article.url).content.decode()
    assert "Merci pour cet article." in html and "1 commentaire" in html


def test_section_editor_cannot_moderate_outside_their_section(
    post_comment_as_reader, client, culture_article, section_editor
):
    post_comment_as_reader(culture_article)
    comment = Comment.objects.get()
    client.force_login(section_editor)
    assert "Merci pour cet article." not in client.get("/admin/commentaires/").content.decode()
    client.post("/admin/commentaires/actions/", {"ids": [comment.pk], "action": "approve"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_redacteur_and_outsider_have_no_moderation_queue(client, personas, post_comment_as_reader,
                                                         article):  # fmt: skip
    post_comment_as_reader(article)
    comment = Comment.objects.get()
    for persona in ("editor", "outsider"):
        client.force_login(personas[persona])
        assert client.get("/admin/commentaires/").status_code in (302, 403)
        client.post("/admin/commentaires/actions/", {"ids": [comment.pk], "action": "approve"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_bulk_reject_spam_and_delete(client, personas, article):
    comments = [post_comment(article, author_name=f"L{n}", author_email="", body=f"Texte {n}")
                for n in range(4)]  # fmt: skip
    client.force_login(personas["admin"])
    client.post("/admin/commentaires/actions/", {"ids": [comments[0].pk], "action": "reject"})
    client.post("/admin/commentaires/actions/", {"ids": [comments[1].pk], "action": "spam"})
    client.post("/admin/commentaires/actions/",
                {"ids": [comments[2].pk, comments[3].pk], "action": "delete"})  # fmt: skip
    assert dict(Comment.objects.values_list("body", "status")) == {
        "Texte 0": Comment.Status.REJECTED,
        "Texte 1": Comment.Status.SPAM,
    }


def test_published_then_moderated_mode_shows_the_comment_at_once(post_comment_as_reader, client,
                                                                 article):  # fmt: skip
    article.comments_mode = CommentsMode.POST
    article.save_revision().publish()
    response = post_comment_as_reader(article)
    assert response["Location"].endswith("?envoye=publie")
    assert "Merci pour cet article." in client.get(article.url).content.decode()


def test_closed_page_keeps_its_comments_but_refuses_new_ones(post_comment_as_reader, client,
                                                             article):  # fmt: skip
    post_comment(article, author_name="Avant", author_email="", body="Ancien commentaire")
    Comment.objects.update(status=Comment.Status.PUBLISHED)
    article.comments_mode = CommentsMode.CLOSED
    article.save_revision().publish()
    response = post_comment_as_reader(article)
    assert response.status_code == 403
    assert Comment.objects.count() == 1
    html = client.get(article.url).content.decode()
    assert "Ancien commentaire" in html and "Les commentaires sont fermés" in html


def test_comments_off_shows_nothing_and_the_form_page_is_404(client, article):
    article.comments_mode = CommentsMode.OFF
    article.save_revision().publish()
    assert 'id="commentaires"' not in client.get(article.url).content.decode()
    assert client.get(f"/commentaires/{article.pk}/").status_code == 404


def test_replies_are_threaded_under_their_parent(post_comment_as_reader, client, article):
    first = post_comment(article, author_name="Alice", author_email="", body="Premier")
    Comment.objects.update(status=Comment.Status.PUBLISHED)
    post_comment_as_reader(article, body="Réponse à Alice", parent=first.pk)
    reply = Comment.objects.get(body="Réponse à Alice")
    assert reply.parent == first
    reply.status = Comment.Status.PUBLISHED
    reply.save()
    html = client.get(article.url).content.decode()
    start = html.index(f'id="commentaire-{first.pk}"')
    assert html.index("comments__replies", start) < html.index("Réponse à Alice")


def test_the_ip_is_kept_never_shown_and_purged_after_a_year(post_comment_as_reader, client,
                                                            article, personas):  # fmt: skip
    post_comment_as_reader(article, ip="198.51.100.23")
    comment = Comment.objects.get()
    assert comment.ip_address == "198.51.100.23"
    comment.status = Comment.Status.PUBLISHED
    comment.save()
    assert "198.51.100.23" not in client.get(article.url).content.decode()
    client.force_login(personas["admin"])
    assert "198.51.100.23" not in client.get("/admin/commentaires/?etat=tous").content.decode()
    Comment.objects.update(created_at=timezone.now() - dt.timedelta(days=366))
    assert purge_expired_ips() == 1
    assert Comment.objects.get().ip_address is None


def test_spip_forum_messages_are_imported_with_their_statuses_and_threads(article, client):
    now = timezone.now()
    messages = [
        ImportedForumMessage(1, article, "Ancien", "Publié chez SPIP", "publie",
                             now - dt.timedelta(days=800), ip="192.0.2.1"),
        ImportedForumMessage(2, article, "Réponse", "Réponse SPIP", "publie", now, id_parent=1,
                             ip="192.0.2.2"),
        ImportedForumMessage(3, article, "Attente", "Proposé", "prop", now),
        ImportedForumMessage(4, article, "Spam", "Viagra", "spam", now),
        ImportedForumMessage(5, article, "Équipe", "Forum privé", "privrac", now),
    ]  # fmt: skip
    assert import_comments(messages) == 4
    assert import_comments(messages) == 4  # a re-run updates, creates nothing twice
    assert Comment.objects.count() == 4
    old = Comment.objects.get(import_ref="spip:forum:1")
    assert old.ip_address is None  # older than the legal year: not kept
    assert Comment.objects.get(import_ref="spip:forum:2").parent == old
    assert Comment.objects.get(import_ref="spip:forum:4").status == Comment.Status.SPAM
    html = client.get(article.url).content.decode()
    assert "Publié chez SPIP" in html and "Proposé" not in html and "Viagra" not in html


def test_notification_mail_goes_through_the_outbox(post_comment_as_reader, article, section_editor):
    post_comment_as_reader(article)
    assert OutgoingMail.objects.filter(kind="comment").count() == 1
