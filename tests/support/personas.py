"""The one persona set of the whole suite (a pytest plugin, loaded by the root conftest.py).

``personas`` is a dict, built on the demo content for each test:

- the four newsroom roles (redac.newsroom.roles): ``redacteur`` (Rédacteur), ``restricted``
  (Administrateur restreint of « Actualité », section A, not « Culture », section B),
  ``administrateur``, ``webmestre``, all with the password ``PASSWORD``;
- ``messages``: a volunteer of the « Messages » group, who reads the contact inbox and nothing else;
- ``admin``: a superuser;
- ``editor`` and ``moderator``: Wagtail's default « Editors » and « Moderators » groups, kept for
  what they still grant (the SPIP importer files SPIP's authors under them);
- ``outsider``: an account with no group and no admin access;
- ``section_a``, ``section_b``, ``article_a``, ``article_b``: the sections and one article of each.

The reader is anonymous: Django's ``client`` fixture as it comes. ``login(client, user)`` signs in
a user who passed two-factor authentication when their role needs it (Administrateur, Webmestre,
superuser): ``client.force_login`` alone leaves them anonymous outside the 2FA screen."""

from __future__ import annotations

import pytest

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def personas(demo):
    from django.contrib.auth.models import Group, User

    from redac.news.models import ArticlePage, SectionPage
    from redac.newsroom import roles, services

    def user(name, *groups, password=PASSWORD):
        account = User.objects.create_user(name, f"{name}@example.org", password)
        for group in groups:
            account.groups.add(Group.objects.get(name=group))
        return account

    section_a = SectionPage.objects.get(slug="actualite")
    section_b = SectionPage.objects.get(slug="culture")
    restricted = user("resa")
    services.set_restricted_sections(restricted, [section_a])
    people = {
        "redacteur": user("redac", roles.REDACTEUR),
        "restricted": restricted,
        "administrateur": user("admina", roles.ADMINISTRATOR),
        "webmestre": user("webmestre", roles.WEBMASTER),
        "messages": user("accueil", roles.MESSAGES_GROUP, password="motdepasse-accueil-1"),
        "admin": User.objects.create_superuser("patronne", "p@example.org", "motdepasse-admin-1"),
        "editor": user("redactrice", "Editors", password="motdepasse-redac-1"),
        "moderator": user("claire", "Moderators", password="motdepasse-claire-1"),
        "outsider": user("passant"),
        "section_a": section_a,
        "section_b": section_b,
        "article_a": ArticlePage.objects.descendant_of(section_a).first(),
        "article_b": ArticlePage.objects.descendant_of(section_b).first(),
    }
    assert not people["outsider"].has_perm("wagtailadmin.access_admin")
    return people


def login(client, user):
    """Log in as a user who has passed two-factor authentication when their role needs it (the
    set-up itself is tested in redac/newsroom/tests/test_login_security.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
