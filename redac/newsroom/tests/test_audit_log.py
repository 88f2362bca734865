"""Publish, unpublish, delete (trash) and permission changes are in the audit log that Wagtail's
« Historique du site » report shows."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.log_actions import LogContext
from wagtail.models import ModelLogEntry, PageLogEntry

from redac.newsroom import roles, services
from tests.support.personas import login


def test_group_membership_change_is_logged(personas):
    user = personas["outsider"]
    with LogContext(user=personas["webmestre"]):
        user.groups.add(Group.objects.get(name=roles.WEBMASTER))
    entry = ModelLogEntry.objects.filter(action="newsroom.permissions",
                                         object_id=str(user.pk)).latest("timestamp")  # fmt: skip
    assert entry.data["groups"] == [roles.WEBMASTER]
    assert entry.data["change"] == "add"
    assert entry.user == personas["webmestre"]


def test_group_permission_change_is_logged(personas):
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=roles.REDACTEUR)
    with LogContext(user=personas["webmestre"]):
        group.permissions.add(Permission.objects.get(codename="add_flashitem"))
    entry = ModelLogEntry.objects.filter(action="newsroom.permissions",
                                         object_id=str(group.pk)).latest("timestamp")  # fmt: skip
    assert entry.data["permissions"] == ["add_flashitem"]


def test_section_assignment_is_logged_with_who_did_it(client, personas):
    people = personas
    login(client, people["webmestre"])
    response = client.post(reverse("newsroom_sections"), {
        "user": people["outsider"].pk, "sections": [people["section_b"].pk]})  # fmt: skip
    assert response.status_code == 302
    assert [p.pk for p in services.restricted_sections(people["outsider"])] == [
        people["section_b"].pk
    ]
    entry = ModelLogEntry.objects.filter(action="newsroom.sections").latest("timestamp")
    assert entry.user == people["webmestre"]
    assert people["section_b"].permissions_for_user(people["outsider"]).can_publish()


def test_unpublish_and_trash_are_logged(client, personas):
    people = personas
    article = people["article_a"]
    login(client, people["administrateur"])
    client.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk]))
    client.post(reverse("wagtailadmin_pages:delete", args=[article.pk]))
    actions = set(PageLogEntry.objects.filter(page=article).values_list("action", flat=True))
    assert {"wagtail.unpublish", "newsroom.trash"} <= actions
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Mis à la poubelle" in history
