import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from redac.flash.models import CampaignBanner, FlashItem
from redac.news.models import ArticlePage, Author, BrevePage, Keyword

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (ArticlePage, BrevePage, Author, Keyword, FlashItem,
                                        CampaignBanner)]  # fmt: skip


@pytest.mark.security_case(53)
@pytest.mark.slow  # runs redac demo
def test_demo_is_idempotent_and_prints_a_random_admin_password(capsys, demo):
    call_command("demo")  # the fixture's content, and the admin account with its own byline
    first = capsys.readouterr().out
    before = counts()
    call_command("demo")
    second = capsys.readouterr().out
    assert counts() == before
    passwords = [re.search(r"mot de passe : (\S+)", out).group(1) for out in (first, second)]
    assert passwords[0] != passwords[1] and len(passwords[0]) >= 12
    admin = User.objects.get(username="admin")
    assert admin.check_password(passwords[1]) and admin.is_superuser
    assert not admin.check_password("admin")


@pytest.mark.slow  # runs redac demo
def test_demo_keep_password_leaves_the_admin_alone(capsys, demo):
    call_command("demo")
    password = re.search(r"mot de passe : (\S+)", capsys.readouterr().out).group(1)
    call_command("demo", keep_password=True)
    assert "mot de passe :" not in capsys.readouterr().out
    assert User.objects.get(username="admin").check_password(password)


@pytest.mark.security_case(53)
def test_a_fresh_install_has_no_default_account(db):
    # The migrated database alone (before ``redac demo``) holds no user at all.
    assert not User.objects.filter(username__in=["admin", "root", "administrator"]).exists()


def test_demo_has_a_collective_byline_and_a_campaign(demo):
    assert Author.objects.filter(kind=Author.Kind.COLLECTIVE, name="La rédaction").exists()
    banner = CampaignBanner.objects.active().get()
    assert "campagne" in banner.title.lower()
    assert FlashItem.objects.visible().count() >= 3


@pytest.mark.slow  # runs redac demo
def test_demo_says_what_the_first_login_needs_and_where_mails_go(capsys, demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("demo", keep_password=True)
    printed = capsys.readouterr().out
    assert "application d'authentification" in printed
    assert "s'affichent dans ce terminal" in printed


def test_serve_names_the_site_once_and_says_how_to_stop(settings):
    from redac.core.management.commands.serve import serving_line

    settings.SITE_URL = "http://127.0.0.1:8123"
    line = serving_line("127.0.0.1", 8123, 2, background=True)
    assert line.count("127.0.0.1:8123") == 1 and line.endswith("Ctrl+C pour arrêter.")
    settings.SITE_URL = "https://journal.example.org"
    line = serving_line("127.0.0.1", 8123, 2, background=False)
    assert "https://journal.example.org/" in line and "http://127.0.0.1:8123/" in line
