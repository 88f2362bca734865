"""Newsroom personas built on the demo content: rédacteur, restricted administrator of
« Actualité » (A) but not « Culture » (B), administrateur, webmestre, outsider."""

from __future__ import annotations

import pytest

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def newsroom_personas(demo):
    from django.contrib.auth.models import Group, User

    from redac.news.models import ArticlePage, SectionPage
    from redac.newsroom import roles, services

    def user(name, *groups):
        account = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
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
        "outsider": user("passant"),
    }
    people["section_a"] = section_a
    people["section_b"] = section_b
    people["article_a"] = ArticlePage.objects.descendant_of(section_a).first()
    people["article_b"] = ArticlePage.objects.descendant_of(section_b).first()
    return people


def login(client, user):
    """Log in as a user who has passed two-factor authentication when their role needs it (the
    set-up itself is tested in test_login_security.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
