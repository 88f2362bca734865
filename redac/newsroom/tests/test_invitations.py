"""Issue 16: new people are invited by mail, through the outbox, with a one-use link to choose
their password; nobody types a password for someone else."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from redac.newsroom import roles
from tests.support.personas import login


def invite(client, username="camille", role=roles.REDACTEUR):
    return client.post(reverse("wagtailusers_users:add"), {
        "username": username, "email": f"{username}@example.org", "first_name": "Camille",
        "last_name": "Dupont", "groups": [Group.objects.get(name=role).pk],
    })  # fmt: skip


def test_the_webmestre_invites_someone_who_then_chooses_a_password(personas):
    from redac.core.models import OutgoingMail

    webmestre = login(Client(), personas["webmestre"])
    form = webmestre.get(reverse("wagtailusers_users:add")).content.decode()
    assert 'type="password"' not in form
    assert invite(webmestre).status_code == 302
    camille = User.objects.get(username="camille")
    assert not camille.has_usable_password()
    assert camille.groups.filter(name=roles.REDACTEUR).exists()

    mail = OutgoingMail.objects.get(to="camille@example.org", kind="invitation")
    assert mail.body.startswith("Bonjour Camille,")
    link = re.search(r"https?://\S+/admin/password_reset/confirm/\S+/", mail.body).group(0)
    assert link.startswith(settings.SITE_URL + "/")

    person = Client()
    form_page = person.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert "new_password1" in form_page.content.decode()
    chosen = "Un-mot-de-passe-bien-long-2026"
    done = person.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain
                       else link.removeprefix(settings.SITE_URL),
                       {"new_password1": chosen, "new_password2": chosen})  # fmt: skip
    assert done.status_code == 302
    camille.refresh_from_db()
    assert camille.check_password(chosen)
    # The link served once.
    again = Client().get(link.removeprefix(settings.SITE_URL), follow=True).content.decode()
    assert "new_password1" not in again


def test_an_invitation_keeps_the_section_groups_the_form_does_not_show(personas):
    """Editing someone on the user form leaves their « Rubriques attribuées » groups alone."""
    from redac.newsroom import services

    redacteur = personas["redacteur"]
    services.set_redacteur_sections(redacteur, [personas["section_a"]])
    section_groups = set(redacteur.groups.filter(
        name__startswith=roles.REDACTEUR_SECTION_GROUP_PREFIX).values_list("pk", flat=True))  # fmt: skip
    assert section_groups
    webmestre = login(Client(), personas["webmestre"])
    webmestre.post(reverse("wagtailusers_users:edit", args=[redacteur.pk]), {
        "username": redacteur.username, "email": redacteur.email, "first_name": "Rita",
        "last_name": "Lopez", "is_active": "on",
        "groups": [Group.objects.get(name=roles.MESSAGES_GROUP).pk],
    })  # fmt: skip
    groups = set(redacteur.groups.values_list("pk", flat=True))
    assert section_groups <= groups
    assert Group.objects.get(name=roles.MESSAGES_GROUP).pk in groups
