"""The table « Qui peut faire quoi » of docs/editors.md, ``roles.CAPABILITIES`` and what each role
can really do, kept in step: the doc is read as a person reads it, and each cell is checked
against a user who has only that role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redac.newsroom import roles

EDITORS_GUIDE = Path(__file__).resolve().parents[3] / "docs" / "editors.md"


def doc_table() -> tuple[list[str], list[tuple[str, set[str]]]]:
    text = EDITORS_GUIDE.read_text()
    section = text.split("## Qui peut faire quoi", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(
            (cells[0], {role for role, cell in zip(header[1:], cells[1:]) if cell == "oui"})
        )
    return header[1:], rows


def test_the_guide_table_is_the_roles_table():
    columns, rows = doc_table()
    assert columns == list(roles.ROLES)
    assert rows == [(label, set(who)) for label, _check, who in roles.CAPABILITIES]


@pytest.fixture
def one_role_each(personas):
    return {
        roles.REDACTEUR: personas["redacteur"],
        roles.RESTRICTED_ADMIN: personas["restricted"],  # of « Actualité »
        roles.ADMINISTRATOR: personas["administrateur"],
        roles.WEBMASTER: personas["webmestre"],
    }


def can(user, check: str, people) -> bool:
    from django.contrib.auth.models import User
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site
    from wagtail.permissions import policy_registry

    from redac.core.models import SiteIdentity

    if check == "page:add":
        # Everywhere: in a section that no assignment gives.
        return people["section_b"].permissions_for_user(user).can_add_subpage()
    if check == "page:publish":
        return people["article_b"].permissions_for_user(user).can_publish()
    if check == "section:publish":
        # Only where assigned, and not everywhere.
        return (
            people["article_a"].permissions_for_user(user).can_publish()
            and not people["article_b"].permissions_for_user(user).can_publish()
        )  # fmt: skip
    if check == "page:simple_pages":
        identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
        pages = [identity.contact_page, identity.legal_page]
        return all(
            page.permissions_for_user(user).can_edit()
            and page.permissions_for_user(user).can_publish()
            for page in pages
        )  # fmt: skip
    app_label, codename = check.split(".")
    if app_label in ("wagtailimages", "wagtaildocs"):
        Image = get_image_model()
        policy = policy_registry.get_by_type(Image)
        action = codename.split("_")[0]
        if action == "add":
            return policy.user_has_permission(user, "add")
        someone = User.objects.create_user(f"autre-{user.pk}", "autre@example.org", "x-y-z-123456")
        image = Image.objects.create(title="Une autre", file=get_test_image_file(),
                                     uploaded_by_user=someone)  # fmt: skip
        return policy.user_has_permission_for_instance(user, action, image)
    return user.has_perm(check)


@pytest.mark.parametrize(
    ("label", "check", "who"), roles.CAPABILITIES, ids=[row[1] for row in roles.CAPABILITIES]
)
def test_each_role_can_do_exactly_what_the_table_says(label, check, who, one_role_each,
                                                      personas):  # fmt: skip
    for role, user in one_role_each.items():
        user = type(user).objects.get(pk=user.pk)  # no permission cache between checks
        assert can(user, check, personas) == (role in who), f"{role}: {label}"


def test_the_webmestre_edits_the_service_pages_and_no_other(personas):
    from wagtail.models import Site

    from redac.core.models import SiteIdentity
    from redac.news.models import StandardPage

    webmestre = personas["webmestre"]
    home = Site.objects.get(is_default_site=True).root_page
    for page in (home, personas["article_a"], personas["section_b"]):
        assert not page.permissions_for_user(webmestre).can_edit()
    # Naming another page in the site identity moves the right with it.
    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    old_legal = identity.legal_page
    new_legal = home.add_child(instance=StandardPage(title="Mentions", slug="mentions-2"))
    identity.legal_page = new_legal
    identity.save()
    webmestre = type(webmestre).objects.get(pk=webmestre.pk)
    assert new_legal.permissions_for_user(webmestre).can_edit()
    assert not old_legal.permissions_for_user(webmestre).can_edit()


def test_the_guide_names_each_role_in_its_own_section():
    text = EDITORS_GUIDE.read_text()
    for heading in ("## Rédacteur", "## Administrateur restreint", "## Administrateur,",
                    "## Webmestre"):  # fmt: skip
        assert re.search(rf"^{re.escape(heading)}", text, re.M), heading
