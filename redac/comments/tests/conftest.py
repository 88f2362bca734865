import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def article(demo):
    from redac.news.models import ArticlePage

    return ArticlePage.objects.get(slug="gares-de-proximite")


@pytest.fixture
def culture_article(demo):
    from redac.news.models import ArticlePage

    return ArticlePage.objects.get(slug="bibliotheques-dimanche")


@pytest.fixture
def section_editor(demo):
    """Publishes in the « Actualité » section only (SPIP's « administrateur restreint »)."""
    from django.contrib.auth.models import Group, Permission, User
    from wagtail.models import GroupPagePermission

    from redac.news.models import SectionPage

    group = Group.objects.create(name="Rubrique Actualité")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    section = SectionPage.objects.get(slug="actualite")
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=section, permission=Permission.objects.get(codename=codename)
        )
    user = User.objects.create_user("chef-actu", "chef-actu@example.org", "motdepasse-chef-1")
    user.groups.add(group)
    return user


@pytest.fixture
def post_comment_as_reader(client, fresh_stamp):
    def post(page, ip="203.0.113.50", **fields):
        data = {"author_name": "Sam Lecteur", "author_email": "sam@example.fr",
                "body": "Merci pour cet article.", "horodatage": fresh_stamp(), "site_web": ""}  # fmt: skip
        data.update(fields)
        return client.post(f"/commentaires/{page.pk}/", data, REMOTE_ADDR=ip)

    return post
