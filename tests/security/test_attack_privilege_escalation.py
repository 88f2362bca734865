"""Issue 15, item 5: privilege escalation in the admin.

Found: a Webmestre could tick « superuser » on any user (themselves through another account) and
change the superuser's password; a restricted administrator of one section could rename any
author site-wide (a collective byline signs every page) and the author form listed every login.
Fixed as a class: a role gives only the groups at or below its own (``roles.ASSIGNABLE_GROUPS``),
whatever the door (user form, bulk « assign role »); only a superuser touches a superuser;
section-scoped roles lost the site-wide grants (a migration takes them back on existing
installs)."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from redac.newsroom import roles
from tests.support.personas import login


@pytest.fixture
def boss(db):
    return User.objects.create_superuser("patron", "patron@example.org", "motdepasse-patron-9")


@pytest.fixture
def webmestre(personas):
    return login(Client(), personas["webmestre"])


def edit(user) -> str:
    return reverse("wagtailusers_users:edit", args=[user.pk])


def refused(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def user_form(user, **changes):
    data = {
        "username": user.username, "email": user.email or f"{user.username}@example.org",
        "first_name": user.first_name or "Prénom", "last_name": user.last_name or "Nom",
        "is_active": "on",
    }  # fmt: skip
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_attack_privilege_escalation_webmestre_cannot_grant_superuser_status(webmestre, personas):
    target = personas["redacteur"]
    form = webmestre.get(edit(target))
    assert form.status_code == 200 and 'name="is_superuser"' not in form.content.decode()
    webmestre.post(edit(target), user_form(target, is_superuser="on"))
    webmestre.post(reverse("wagtailusers_users:add"), {
        "username": "complice", "email": "complice@example.org", "first_name": "Co",
        "last_name": "Mplice", "is_superuser": "on",
    })  # fmt: skip
    # The superusers are the demo's « admin » and the persona set's; nobody else became one.
    superusers = {"admin", personas["admin"].username}
    assert not User.objects.filter(is_superuser=True).exclude(username__in=superusers).exists()
    assert User.objects.filter(username="complice", is_superuser=False).exists()


def test_attack_privilege_escalation_webmestre_cannot_touch_a_superuser(webmestre, boss):
    password = boss.password
    # Wagtail's admin answers a refusal with a redirect to the dashboard and a message.
    assert refused(webmestre.get(edit(boss)))
    assert refused(webmestre.post(edit(boss), user_form(
        boss, password1="repris-par-le-webmestre-1", password2="repris-par-le-webmestre-1"
    )))  # fmt: skip
    assert refused(webmestre.post(reverse("wagtailusers_users:delete", args=[boss.pk])))
    # Bulk actions: deactivate, give a role.
    webmestre.post(f"/admin/bulk/auth/user/set_active_state/?id={boss.pk}", {"mark_as_active": ""})
    boss.refresh_from_db()
    assert boss.password == password and boss.is_active and User.objects.filter(pk=boss.pk).exists()


def test_attack_privilege_escalation_roles_give_only_groups_at_or_below_their_own(
    webmestre, personas
):
    almighty = Group.objects.create(name="Tout-puissant")
    editors = Group.objects.get(name="Editors")
    target = personas["redacteur"]
    for group in (almighty, editors):
        webmestre.post(edit(target), user_form(target, groups=[group.pk]))
        webmestre.post(f"/admin/bulk/auth/user/assign_role/?id={target.pk}", {"role": group.pk})
    assert not target.groups.filter(pk__in=[almighty.pk, editors.pk]).exists()
    # The four roles and the message readers' group are the Webmestre's to give.
    page = webmestre.get(edit(target)).content.decode()
    for name in (*roles.ROLES, roles.MESSAGES_GROUP):
        assert f"{name} — " in page
    assert "Tout-puissant" not in page and "Editors" not in page and "Moderators" not in page
    administrateur = Group.objects.get(name=roles.ADMINISTRATOR)
    webmestre.post(edit(target), user_form(target, groups=[administrateur.pk]))
    assert target.groups.filter(pk=administrateur.pk).exists()


def test_attack_privilege_escalation_an_administrateur_given_user_rights_cannot_make_a_webmestre(
    personas,
):
    from django.contrib.auth.models import Permission

    admina = personas["administrateur"]
    admina.user_permissions.add(*Permission.objects.filter(codename__in=["add_user",
                                                                         "change_user"]))  # fmt: skip
    client = login(Client(), admina)
    webmaster = Group.objects.get(name=roles.WEBMASTER)
    client.post(edit(admina), user_form(admina, groups=[webmaster.pk]))
    target = personas["redacteur"]
    client.post(f"/admin/bulk/auth/user/assign_role/?id={target.pk}", {"role": webmaster.pk})
    assert not webmaster.user_set.filter(pk__in=[admina.pk, target.pk]).exists()


def test_attack_privilege_escalation_restricted_admin_cannot_rename_a_collective_byline(
    personas,
):
    from redac.news.models import Author

    byline = Author.objects.create(name="La rédaction", slug="la-redaction-test",
                                   kind=Author.Kind.COLLECTIVE)  # fmt: skip
    client = login(Client(), personas["restricted"])
    edit_url = f"/admin/snippets/news/author/edit/{byline.pk}/"
    assert client.get(edit_url).status_code in (302, 403)
    client.post(edit_url, {"name": "Piratée", "slug": "la-redaction-test", "kind": "collective"})
    byline.refresh_from_db()
    assert byline.name == "La rédaction"
    # Adding a byline for their section stays theirs, and the form lists no login.
    add_form = client.get("/admin/snippets/news/author/add/").content.decode()
    assert (
        "webmestre" not in add_form and "admina" not in add_form and 'name="user"' not in add_form
    )


def test_attack_privilege_escalation_restricted_admin_cannot_replace_others_images(
    personas,
):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="Une d'un autre rubrique",
                                             file=get_test_image_file())  # fmt: skip
    client = login(Client(), personas["restricted"])
    assert client.get(f"/admin/images/{image.pk}/").status_code in (302, 403)


def test_attack_privilege_escalation_grants_are_taken_back_on_existing_installs(db):
    """Migration 0003 revokes, on an install made before it, what the roles no longer hold."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission

    restricted = Group.objects.get(name=roles.RESTRICTED_ADMIN)
    change_author = Permission.objects.get(codename="change_author")
    change_image = Permission.objects.get(codename="change_image")
    restricted.permissions.add(change_author)  # as migration 0002 granted it
    GroupCollectionPermission.objects.create(
        group=restricted, collection=Collection.get_first_root_node(), permission=change_image
    )
    migration = importlib.import_module("redac.newsroom.migrations.0003_no_way_up")
    migration.forwards(apps, None)
    assert not restricted.permissions.filter(pk=change_author.pk).exists()
    assert not GroupCollectionPermission.objects.filter(group=restricted,
                                                        permission=change_image).exists()  # fmt: skip
    # And the roles keep what they should.
    assert restricted.permissions.filter(codename="add_author").exists()
