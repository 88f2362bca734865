"""Each persona gets exactly its rights in the admin views that matter (security cases 49–52):
a restricted administrator of section A is refused every view of a page in section B."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page

from tests.support.personas import login

PERSONAS = ["redacteur", "restricted", "administrateur", "webmestre", "outsider"]


def status(client, url, method="get", **data):
    response = getattr(client, method)(url, data)
    return response.status_code


def allowed(code: int) -> bool:
    return code in (200, 302) and code != 403


def page_urls(page):
    revision = page.latest_revision
    return {
        "edit": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "history": reverse("wagtailadmin_pages:history", args=[page.pk]),
        "revisions_compare": reverse(
            "wagtailadmin_pages:revisions_compare", args=[page.pk, "live", revision.pk]
        ),
        "copy": reverse("wagtailadmin_pages:copy", args=[page.pk]),
        "preview": reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
        "move": reverse("wagtailadmin_pages:move", args=[page.pk]),
        "delete": reverse("wagtailadmin_pages:delete", args=[page.pk]),
        "unpublish": reverse("wagtailadmin_pages:unpublish", args=[page.pk]),
        "workflow_history": reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
        "revisions_view": reverse("wagtailadmin_pages:revisions_view",
                                  args=[page.pk, revision.pk]),
        "revisions_revert": reverse("wagtailadmin_pages:revisions_revert",
                                    args=[page.pk, revision.pk]),
    }  # fmt: skip


#: Which personas may open each view on an article of section A, and of section B.
#: (Rédacteurs may open only their own pages; these demo articles belong to nobody.)
EXPECTED_A = {"restricted", "administrateur"}
EXPECTED_B = {"administrateur"}


@pytest.mark.security_case(49)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", ["edit", "history", "revisions_compare",
                                  "copy", "preview", "move", "delete", "unpublish",
                                  "workflow_history", "revisions_view",
                                  "revisions_revert"])  # fmt: skip
def test_page_views_follow_the_sections(client, personas, persona, view):
    people = personas
    login(client, people[persona])
    for page, expected in ((people["article_a"], EXPECTED_A), (people["article_b"], EXPECTED_B)):
        url = page_urls(page)[view]
        code = client.get(url).status_code
        if persona in expected:
            assert code == 200, f"{persona} should open {view} of {page.title}: {code}"
        else:
            assert code in (302, 403, 404), f"{persona} must not open {view} of {page}: {code}"
            if persona != "outsider":
                # Logged-in staff are refused outright, never shown the page.
                assert code in (403, 404) or "/admin/login/" not in client.get(url).url


def refused(response) -> bool:
    """Wagtail answers a refused admin action with 403, or a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


@pytest.mark.security_case(49)
def test_restricted_admin_cannot_copy_move_delete_or_preview_a_page_of_another_section(
    client, personas
):
    """Security case 49 with the POSTs that act, not only the GETs that show: copying an article
    of section B into A, moving it into A, deleting it, previewing an altered version of it."""
    from redac.newsroom import services

    people = personas
    login(client, people["restricted"])
    article_b, section_a = people["article_b"], people["section_a"]
    original_parent, original_title = article_b.get_parent().pk, article_b.title
    urls = page_urls(article_b)
    copy = client.post(urls["copy"], {"new_title": "Copie volée", "new_slug": "copie-volee",
                                      "new_parent_page": section_a.pk, "publish_copies": "on"})  # fmt: skip
    assert refused(copy)
    assert not Page.objects.filter(slug="copie-volee").exists()
    move = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[article_b.pk, section_a.pk])
    )
    assert refused(move)
    delete = client.post(urls["delete"])
    assert refused(delete)
    preview = client.post(urls["preview"], {"title": "Aperçu détourné", "slug": article_b.slug})
    assert refused(preview)
    assert "Aperçu détourné" not in client.get(urls["preview"]).content.decode()
    article_b = Page.objects.get(pk=article_b.pk)
    assert article_b.live and article_b.title == original_title
    assert article_b.get_parent().pk == original_parent
    assert not services.is_in_trash(article_b)


@pytest.mark.security_case(49)
def test_restricted_admin_cannot_publish_in_another_section(client, personas):
    people = personas
    login(client, people["restricted"])
    article_b = people["article_b"]
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[article_b.pk]))
    # Wagtail answers a refused admin action with a redirect to the dashboard and a message.
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response.url == reverse("wagtailadmin_home")
    article_b.refresh_from_db()
    assert article_b.live


def test_restricted_admin_publishes_in_their_section(client, personas):
    people = personas
    login(client, people["restricted"])
    article_a = people["article_a"]
    assert article_a.permissions_for_user(people["restricted"]).can_publish()
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[article_a.pk]))
    assert response.status_code == 302
    article_a.refresh_from_db()
    assert not article_a.live


def test_redacteur_can_write_in_a_section_but_not_publish(personas):
    people = personas
    permissions = people["section_a"].permissions_for_user(people["redacteur"])
    assert permissions.can_add_subpage()
    assert not permissions.can_publish_subpage()
    assert not people["article_a"].permissions_for_user(people["redacteur"]).can_edit()


def test_redacteur_edits_own_draft(client, personas):
    from redac.news.models import ArticlePage

    people = personas
    draft = ArticlePage(title="Mon brouillon", slug="mon-brouillon", live=False,
                        owner=people["redacteur"])  # fmt: skip
    people["section_a"].add_child(instance=draft)
    draft.save_revision(user=people["redacteur"])
    login(client, people["redacteur"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).status_code == 200
    assert not draft.permissions_for_user(people["redacteur"]).can_publish()


SNIPPET_AND_SETTINGS_URLS = {
    "flash_list": ("wagtailsnippets_flash_flashitem:list", []),
    "flash_add": ("wagtailsnippets_flash_flashitem:add", []),
    "campaign_list": ("wagtailsnippets_flash_campaignbanner:list", []),
    "users": ("wagtailusers_users:index", []),
    "groups": ("wagtailusers_groups:index", []),
    "sections_screen": ("newsroom_sections", []),
    "site_history": ("wagtailadmin_reports:site_history", []),
}
EXPECTED_OTHER = {
    "flash_list": {"administrateur"},
    "flash_add": {"administrateur"},
    "campaign_list": {"administrateur"},
    "users": {"webmestre"},
    "groups": set(),
    "sections_screen": {"administrateur", "webmestre"},
    "site_history": {"redacteur", "restricted", "administrateur", "webmestre"},
}


@pytest.mark.security_case(51)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", sorted(SNIPPET_AND_SETTINGS_URLS))
def test_snippets_users_and_settings_by_persona(client, personas, persona, view):
    name, args = SNIPPET_AND_SETTINGS_URLS[view]
    login(client, personas[persona])
    code = client.get(reverse(name, args=args)).status_code
    if persona in EXPECTED_OTHER[view]:
        assert code == 200, f"{persona} should open {view}: {code}"
    else:
        assert code in (302, 403), f"{persona} must not open {view}: {code}"


@pytest.mark.security_case(51)
@pytest.mark.parametrize("persona", PERSONAS)
def test_site_settings_edit_by_persona(client, personas, demo, persona):
    """Security case 51: only Administrateur and Webmestre edit the site's identity."""
    login(client, personas[persona])
    url = reverse("wagtailsettings:edit", args=["core", "siteidentity", demo["site"].pk])
    code = client.get(url).status_code
    if persona in ("administrateur", "webmestre"):
        assert code == 200
    else:
        assert code in (302, 403)


USER_BULK_ACTIONS = {
    "delete": {},
    "assign_role": {"role": "{administrateur_group}"},
    "set_active_state": {"mark_as_active": "False"},
}


def user_bulk_action(client, action, target, people):
    from django.contrib.auth.models import Group

    from redac.newsroom import roles

    url = reverse("wagtail_bulk_action", args=["auth", "user", action]) + f"?id={target.pk}"
    group = Group.objects.get(name=roles.ADMINISTRATOR).pk
    data = {key: value.format(administrateur_group=group)
            for key, value in USER_BULK_ACTIONS[action].items()}  # fmt: skip
    return client.get(url), client.post(url, data)


def target_unchanged(target) -> bool:
    from django.contrib.auth.models import User

    target = User.objects.filter(pk=target.pk).first()
    return target is not None and target.is_active and not target.groups.exists()


@pytest.mark.security_case(51)
@pytest.mark.parametrize("persona", ["redacteur", "restricted", "administrateur", "outsider"])
@pytest.mark.parametrize("action", sorted(USER_BULK_ACTIONS))
def test_only_the_webmestre_reaches_user_bulk_actions(client, personas, persona, action):
    """Security case 51: bulk actions on users (delete, give a role, deactivate) are the
    webmestre's; others can neither list the chosen users nor act on them."""
    people = personas
    target = people["outsider"]
    login(client, people[persona])  # the outsider, without admin access, is the target too
    shown, acted = user_bulk_action(client, action, target, people)
    assert shown.status_code in (302, 403)
    assert target.username.encode() not in shown.content
    assert acted.status_code in (302, 403)
    assert target_unchanged(target)


@pytest.mark.security_case(51)
@pytest.mark.parametrize("action", sorted(USER_BULK_ACTIONS))
def test_webmestre_reaches_user_bulk_actions(client, personas, action):
    people = personas
    target = people["outsider"]
    login(client, people["webmestre"])
    shown, acted = user_bulk_action(client, action, target, people)
    assert shown.status_code == 200 and target.username.encode() in shown.content
    assert acted.status_code == 302
    assert not target_unchanged(target)  # the control: the same requests do act for her


@pytest.mark.security_case(51)
def test_no_field_of_an_admin_form_relies_on_a_per_field_permission():
    """Security case 51, CVE-2024-32882 (Wagtail ignored ``FieldPanel(permission=...)`` in some
    views): redac restricts access per view and per model, never per field. Should a per-field
    restriction be added, this test fails so that it comes with tests for every view that
    edits the model (edit, settings, snippets, bulk actions, revisions)."""
    from django.apps import apps
    from wagtail.admin.panels import FieldPanel, PanelGroup

    def panels(panel):
        yield panel
        if isinstance(panel, PanelGroup):
            for child in panel.children:
                yield from panels(child)

    checked, restricted = 0, []
    for model in apps.get_models():
        if not model.__module__.startswith("redac."):
            continue
        handler = getattr(model, "edit_handler", None)
        roots = [handler] if handler is not None else [
            FieldPanel(p) if isinstance(p, str) else p
            for name in ("panels", "content_panels", "promote_panels", "settings_panels")
            for p in getattr(model, name, [])
        ]  # fmt: skip
        for root in roots:
            for panel in panels(root):
                checked += 1
                if getattr(panel, "permission", None):
                    restricted.append(f"{model.__name__}.{getattr(panel, 'field_name', panel)}")
    assert checked > 20  # the walk did see redac's panels
    assert restricted == []


def test_webmestre_gets_the_messages_and_statistics_permissions_once_they_exist(db):
    """Issue 8 creates a « Messages » group; the Webmestre role receives its permissions at the
    next migrate (post_migrate), whatever order the apps were installed in."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from redac.newsroom.roles import WEBMASTER, apply_roles

    content_type, _ = ContentType.objects.get_or_create(app_label="contact",
                                                        model="contactmessage")  # fmt: skip
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_contactmessage",
        defaults={"name": "Can view contact message"},
    )  # fmt: skip
    Group.objects.get_or_create(name="Messages")[0].permissions.add(permission)
    apply_roles(apps.get_model)
    assert Group.objects.get(name=WEBMASTER).permissions.filter(pk=permission.pk).exists()


@pytest.mark.security_case(52)
@pytest.mark.parametrize("persona", PERSONAS)
def test_image_chooser_lists_images_only_for_roles_with_collection_rights(
    client, personas, persona
):
    """Security case 52: choosers return only the items a persona is allowed to choose."""
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    get_image_model().objects.create(title="Photo du rassemblement", file=get_test_image_file())
    login(client, personas[persona])
    response = client.get(reverse("wagtailimages_chooser:choose"))
    if persona in ("redacteur", "restricted", "administrateur"):
        assert response.status_code == 200
        assert "Photo du rassemblement" in response.content.decode()
    else:
        assert response.status_code in (200, 302, 403)
        assert "Photo du rassemblement" not in response.content.decode()
