"""SPIP's editorial roles as Wagtail groups, with their page, snippet and collection permissions.

- Rédacteur: writes and proposes (Wagtail's "add" page permission: create pages and edit one's own
  drafts), cannot publish. Everywhere by default (SPIP's rédacteurs write in every rubrique), or
  only in the sections assigned on the « Rubriques » screen (per-section groups « Rédacteur —
  <rubrique> », which replace the « Rédacteur » group for that person).
- Administrateur restreint: publishes or refuses in the sections assigned to them. Each assignment
  is membership of a per-section group « Administrateur restreint — <rubrique> » holding the page
  permissions on that section (created by the « Rubriques attribuées » screen).
- Administrateur: the whole site, flash, campaign banners, authors and keywords, site settings,
  hard delete from the trash.
- Webmestre: users, settings, statistics, contact messages (no page editing: a person who is both
  gets both groups).

The same function runs in the data migration (historical models) and after every ``migrate``
(``post_migrate``), so that permissions of apps installed later (contact, visits) are attached as
soon as they exist. Grants are only ever added here, never removed: an administrator's manual
additions survive upgrades. A grant taken back from a role is listed in ``WITHDRAWN_*`` and
revoked once by a migration (issue 15, item 5: privilege escalation).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REDACTEUR = "Rédacteur"
RESTRICTED_ADMIN = "Administrateur restreint"
ADMINISTRATOR = "Administrateur"
WEBMASTER = "Webmestre"
ROLES = (REDACTEUR, RESTRICTED_ADMIN, ADMINISTRATOR, WEBMASTER)
#: The roles that must use two-factor authentication before using the admin.
TWO_FACTOR_ROLES = (ADMINISTRATOR, WEBMASTER)
SECTION_GROUP_PREFIX = "Administrateur restreint — "
#: A rédacteur limited to some sections is in « Rédacteur — <rubrique> » groups (each: the
#: Rédacteur role's grants, with "add" on that section only) instead of « Rédacteur » ("add" on
#: the whole site). With no section assigned, a rédacteur writes everywhere, as in SPIP.
REDACTEUR_SECTION_GROUP_PREFIX = "Rédacteur — "
#: The group issue 8 creates for the contact inbox; the Webmestre gets its permissions.
MESSAGES_GROUP = "Messages"

ALL_PAGE_PERMISSIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")

#: Page permissions on the whole tree (the root page).
PAGE_PERMISSIONS = {
    REDACTEUR: ("add",),
    ADMINISTRATOR: ALL_PAGE_PERMISSIONS,
}
#: What a restricted administrator may do in an assigned section.
SECTION_PAGE_PERMISSIONS = ALL_PAGE_PERMISSIONS

_SNIPPET_ALL = ("add", "change", "delete", "publish", "lock", "unlock")

#: "app_label.codename" permissions; those whose app is not installed are skipped (and granted by
#: the post_migrate pass once it is).
MODEL_PERMISSIONS = {
    REDACTEUR: ["wagtailadmin.access_admin"],
    # A restricted administrator adds the bylines of their sections; changing an existing
    # author (a collective byline signs every section) is the Administrateur's (issue 15, 5).
    RESTRICTED_ADMIN: ["wagtailadmin.access_admin", "news.add_author"],
    ADMINISTRATOR: [
        "wagtailadmin.access_admin",
        *(f"flash.{action}_flashitem" for action in _SNIPPET_ALL),
        *(f"flash.{action}_campaignbanner" for action in _SNIPPET_ALL),
        *(
            f"news.{action}_{model}"
            for action in ("add", "change", "delete")
            for model in ("author", "keyword", "keywordgroup")
        ),  # fmt: skip
        "core.change_siteidentity",
        "reserve.change_electionsilence",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "newsroom.empty_trash",
        "newsroom.assign_sections",
        # issue 18: the SPIP import's screens, read only (« objets importés », « anciennes adresses »)
        "spipimport.view_importrecord",
        "spipimport.view_legacyurl",
        # issue 20: petitions and their moderation, never the signers' addresses (GDPR art. 9)
        *(f"petitions.{action}_petition" for action in ("add", "change", "delete", "view")),
        "petitions.moderate_signature",
        # issue 22: writing and sending letters, and the lists; the subscribers only as counts
        "newsletter.send_letter",
        *(f"newsletter.{action}_newsletterlist" for action in ("add", "change", "delete", "view")),
    ],
    WEBMASTER: [
        "wagtailadmin.access_admin",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "core.change_siteidentity",
        "newsroom.assign_sections",
        "spipimport.view_importrecord",
        "spipimport.view_legacyurl",
        # issue 20: the signers' data (export, erasure), as for the contact messages
        "petitions.view_petition",
        "petitions.moderate_signature",
        "petitions.view_signer_data",
        "petitions.delete_signature",
        # issue 22: letters, and the subscribers' addresses (export), as for the contact messages
        "newsletter.send_letter",
        "newsletter.view_subscriber",
        "newsletter.add_subscriber",
    ],
}
#: Every permission of these apps, when they are installed (issue 8: contact, issue 5: visits).
APP_PERMISSIONS = {
    ADMINISTRATOR: ["visits"],
    WEBMASTER: ["contact", "visits"],
}
#: Collection permissions on the root collection (so: every collection).
COLLECTION_PERMISSIONS = {
    REDACTEUR: [
        "wagtailimages.add_image", "wagtailimages.choose_image",
        "wagtaildocs.add_document", "wagtaildocs.choose_document",
    ],
    # Add and choose; Wagtail lets them change what they uploaded themselves, never the
    # images and documents of other sections' pages.
    RESTRICTED_ADMIN: [
        "wagtailimages.add_image", "wagtailimages.choose_image",
        "wagtaildocs.add_document", "wagtaildocs.choose_document",
    ],
    ADMINISTRATOR: [
        f"{app}.{action}_{model}"
        for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
        for action in ("add", "change", "delete", "choose")
    ],
}  # fmt: skip

#: Grants that earlier versions gave and that were taken back: revoked by migration 0003 on
#: existing installs (``revoke_withdrawn_grants``), never granted again (issue 15, item 5).
WITHDRAWN_MODEL_PERMISSIONS = {RESTRICTED_ADMIN: ["news.change_author"]}
WITHDRAWN_COLLECTION_PERMISSIONS = {
    RESTRICTED_ADMIN: ["wagtailimages.change_image", "wagtaildocs.change_document"],
}

#: Which groups each role may give on the user form (and the bulk « assign role »): the roles at
#: or below its own. Only roles that may add or change users use this (the Webmestre); a
#: superuser gives any group, and only a superuser gives superuser status.
ASSIGNABLE_GROUPS = {
    WEBMASTER: (REDACTEUR, RESTRICTED_ADMIN, ADMINISTRATOR, WEBMASTER, MESSAGES_GROUP),
    ADMINISTRATOR: (REDACTEUR, RESTRICTED_ADMIN, ADMINISTRATOR),
    RESTRICTED_ADMIN: (REDACTEUR,),
    REDACTEUR: (),
}
#: Wagtail's initial groups, which the roles above replace: never offered on the user form.
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")
#: What each group is for, as the user form says it (French: the admin's language).
GROUP_DESCRIPTIONS = {
    REDACTEUR: _("écrit des articles et des brèves et les propose à la publication"),
    RESTRICTED_ADMIN: _("publie dans les rubriques qui lui sont attribuées (Paramètres > "
                        "Rubriques attribuées)"),
    ADMINISTRATOR: _("publie partout ; flash, bannières, auteurs, mots-clés, réserve électorale"),
    WEBMASTER: _("utilisateurs, identité du site, pages contact et mentions légales, "
                 "statistiques, messages"),
    MESSAGES_GROUP: _("lit et traite les messages du formulaire de contact"),
}  # fmt: skip

#: Who can do what: the table of docs/editors.md (« Qui peut faire quoi »), row by row, with
#: the permission that decides it (``app.codename``, or ``page:<action>`` for a page permission
#: on the whole site). ``tests/test_roles_table.py`` checks the doc, this table and the groups'
#: real permissions against each other.
CAPABILITIES = [
    ("Écrire et proposer des articles et des brèves, dans toutes les rubriques", "page:add",
     (REDACTEUR, ADMINISTRATOR)),
    ("Publier, dépublier, programmer (toutes les rubriques)", "page:publish",
     (ADMINISTRATOR,)),
    ("Écrire, publier, dépublier dans ses rubriques attribuées seulement", "section:publish",
     (RESTRICTED_ADMIN,)),
    ("Ajouter des images et des documents", "wagtailimages.add_image",
     (REDACTEUR, RESTRICTED_ADMIN, ADMINISTRATOR)),
    ("Modifier les images et documents des autres", "wagtailimages.change_image",
     (ADMINISTRATOR,)),
    ("Créer un auteur", "news.add_author", (RESTRICTED_ADMIN, ADMINISTRATOR)),
    ("Modifier un auteur, une signature collective", "news.change_author", (ADMINISTRATOR,)),
    ("Mots-clés et groupes de mots-clés", "news.change_keyword", (ADMINISTRATOR,)),
    ("Flash et bannières de campagne", "flash.change_flashitem", (ADMINISTRATOR,)),
    ("Période de réserve électorale", "reserve.change_electionsilence", (ADMINISTRATOR,)),
    ("Redirections", "wagtailredirects.change_redirect", (ADMINISTRATOR,)),
    ("Vider la poubelle (suppression définitive)", "newsroom.empty_trash", (ADMINISTRATOR,)),
    ("Attribuer les rubriques", "newsroom.assign_sections", (ADMINISTRATOR, WEBMASTER)),
    ("Identité du site (nom, logo, adresse de contact)", "core.change_siteidentity",
     (ADMINISTRATOR, WEBMASTER)),
    ("Pages contact et mentions légales", "page:simple_pages", (ADMINISTRATOR, WEBMASTER)),
    ("Statistiques de visites", "visits.view_statistics", (ADMINISTRATOR, WEBMASTER)),
    ("Messages du formulaire de contact", "contact.view_contactmessage", (WEBMASTER,)),
    ("Pétitions : créer, modifier, ouvrir et fermer", "petitions.change_petition",
     (ADMINISTRATOR,)),
    ("Pétitions : retirer des signatures, masquer des messages", "petitions.moderate_signature",
     (ADMINISTRATOR, WEBMASTER)),
    ("Pétitions : adresses des signataires, export CSV, effacement",
     "petitions.view_signer_data", (WEBMASTER,)),
    ("Lettres d'information : écrire, essayer, programmer, envoyer", "newsletter.send_letter",
     (ADMINISTRATOR, WEBMASTER)),
    ("Listes de diffusion : créer, modifier", "newsletter.change_newsletterlist",
     (ADMINISTRATOR,)),
    ("Lettres d'information : abonnés (adresses, recherche, export CSV, effacement)",
     "newsletter.view_subscriber",
     (WEBMASTER,)),
    ("Lettres d'information : importer des abonnés (CSV)", "newsletter.add_subscriber",
     (WEBMASTER,)),
    ("Utilisateurs : inviter, modifier, donner les rôles", "auth.change_user", (WEBMASTER,)),
]  # fmt: skip

WORKFLOW_NAME = "Publication"
TASK_NAME = "Validation par un administrateur"


def _permission(get_model, dotted: str, *, create: bool):
    Permission = get_model("auth", "Permission")
    ContentType = get_model("contenttypes", "ContentType")
    app_label, codename = dotted.split(".")
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if found is not None or not create:
        return found
    # Permissions are normally created by post_migrate, after all migrations: a data migration
    # must create the ones it grants (with the model name Django would give them).
    model = codename.split("_", 1)[1]
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": f"Can {codename}"}
    )
    return permission


def _is_installed(get_model, app_label: str) -> bool:
    try:
        from django.apps import apps as global_apps

        global_apps.get_app_config(app_label)
    except LookupError:
        return False
    return True


def apply_roles(get_model) -> dict:
    """Create the four roles and grant their permissions (idempotent). ``get_model`` is
    ``apps.get_model`` of a migration or of the app registry."""
    Group = get_model("auth", "Group")
    Permission = get_model("auth", "Permission")
    Page = get_model("wagtailcore", "Page")
    Collection = get_model("wagtailcore", "Collection")
    GroupPagePermission = get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = get_model("wagtailcore", "GroupCollectionPermission")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    for role, actions in PAGE_PERMISSIONS.items():
        for action in actions:
            permission = _permission(get_model, f"wagtailcore.{action}_page", create=True)
            if root_page is not None:
                GroupPagePermission.objects.get_or_create(
                    group=groups[role], page=root_page, permission=permission
                )
    for role, dotted_names in MODEL_PERMISSIONS.items():
        for dotted in dotted_names:
            app_label = dotted.split(".")[0]
            create = app_label in {"wagtailadmin", "auth"} or _is_installed(get_model, app_label)
            permission = _permission(get_model, dotted, create=create and app_label != "newsroom")
            if permission is not None:
                groups[role].permissions.add(permission)
    for role, app_labels in APP_PERMISSIONS.items():
        groups[role].permissions.add(
            *Permission.objects.filter(content_type__app_label__in=app_labels)
        )
    messages_group = Group.objects.filter(name=MESSAGES_GROUP).first()
    if messages_group is not None:
        groups[WEBMASTER].permissions.add(*messages_group.permissions.all())
    for role, dotted_names in COLLECTION_PERMISSIONS.items():
        for dotted in dotted_names:
            permission = _permission(get_model, dotted, create=True)
            if root_collection is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[role], collection=root_collection, permission=permission
                )
    apply_service_pages(get_model)
    return groups


#: The Webmestre edits and publishes the site's service pages that the site identity names
#: (contact, legal notice), and no other page.
SERVICE_PAGE_PERMISSIONS = ("change", "publish")


def apply_service_pages(get_model) -> None:
    """Give the Webmestre the service pages of every site identity, and take back those that no
    identity names any more (run at every migrate and when a site identity is saved)."""
    Group = get_model("auth", "Group")
    GroupPagePermission = get_model("wagtailcore", "GroupPagePermission")
    try:
        SiteIdentity = get_model("core", "SiteIdentity")
    except LookupError:
        return
    webmaster = Group.objects.filter(name=WEBMASTER).first()
    if webmaster is None:
        return
    page_ids = {
        page_id
        for pair in SiteIdentity.objects.values_list("contact_page_id", "legal_page_id")
        for page_id in pair
        if page_id is not None
    }  # fmt: skip
    for action in SERVICE_PAGE_PERMISSIONS:
        permission = _permission(get_model, f"wagtailcore.{action}_page", create=True)
        for page_id in page_ids:
            GroupPagePermission.objects.get_or_create(
                group=webmaster, page_id=page_id, permission=permission
            )
    GroupPagePermission.objects.filter(group=webmaster).exclude(page_id__in=page_ids).delete()


def revoke_withdrawn_grants(get_model) -> None:
    """Take back ``WITHDRAWN_*`` grants from the roles of an existing install (migration 0003)."""
    Group = get_model("auth", "Group")
    GroupCollectionPermission = get_model("wagtailcore", "GroupCollectionPermission")
    for role, dotted_names in WITHDRAWN_MODEL_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        for dotted in dotted_names:
            permission = _permission(get_model, dotted, create=False)
            if group is not None and permission is not None:
                group.permissions.remove(permission)
    for role, dotted_names in WITHDRAWN_COLLECTION_PERMISSIONS.items():
        for dotted in dotted_names:
            permission = _permission(get_model, dotted, create=False)
            if permission is not None:
                GroupCollectionPermission.objects.filter(
                    group__name=role, permission=permission
                ).delete()


def apply_workflow(get_model, groups) -> None:
    """One workflow « Publication » on the whole site, with one review task (see
    ``SectionApprovalTask``), replacing Wagtail's default « Moderators approval »."""
    ContentType = get_model("contenttypes", "ContentType")
    Page = get_model("wagtailcore", "Page")
    Workflow = get_model("wagtailcore", "Workflow")
    WorkflowTask = get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = get_model("wagtailcore", "WorkflowPage")
    SectionApprovalTask = get_model("newsroom", "SectionApprovalTask")

    root_page = Page.objects.filter(depth=1).first()
    if root_page is None:
        return
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = SectionApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="newsroom", model="sectionapprovaltask"
        )
        task = SectionApprovalTask.objects.create(
            name=TASK_NAME, active=True, content_type=content_type
        )
        task.groups.add(groups[ADMINISTRATOR])
    WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk,
                                       defaults={"sort_order": 0})  # fmt: skip
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})


def reapply_roles_after_migrate(sender, **kwargs) -> None:
    from django.apps import apps

    # Once per migrate, after the last app: by then every app's permissions have been created.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return

    try:
        apply_roles(apps.get_model)
    except LookupError:  # a partial migration (e.g. migrate newsroom zero)
        return


def publishable_section_paths(user) -> list[str]:
    """Tree paths under which ``user`` may publish (their sections, or the whole site)."""
    from wagtail.models import GroupPagePermission

    return list(
        GroupPagePermission.objects.filter(
            group__in=user.groups.all(), permission__codename="publish_page"
        ).values_list("page__path", flat=True)
    )
