"""How the newsroom plugs into Wagtail's admin: URLs and menus, the trash in place of deletion,
the dashboard panels, the SPIP live preview, and the audit log's French labels."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import GroupPagePermission, Page

from . import guide, services, views


@hooks.register("construct_admin_api", order=100)  # after wagtail.images/documents register theirs
def limit_admin_api_to_choosable_items(router):
    from .admin_api import replace_endpoints

    replace_endpoints(router)


@hooks.register("register_admin_urls")
def newsroom_admin_urls():
    return [
        path("2fa/activer/", views.two_factor_setup, name="newsroom_2fa_setup"),
        path("2fa/verifier/", views.two_factor_verify, name="newsroom_2fa_verify"),
        path(
            "2fa/codes-de-secours/",
            views.two_factor_recovery_codes,
            name="newsroom_2fa_recovery_codes",
        ),  # fmt: skip
        path("newsroom/rubriques/", views.sections, name="newsroom_sections"),
        path("newsroom/poubelle/", views.trash, name="newsroom_trash"),
        path("newsroom/poubelle/<int:page_id>/restaurer/", views.restore, name="newsroom_restore"),
        path("newsroom/apercu-spip/", views.spip_preview, name="newsroom_spip_preview"),
        path("newsroom/visites/<int:page_id>/", views.page_visits, name="newsroom_page_visits"),
        path("aide/", guide.guide, name="newsroom_guide"),
        path("newsroom/ma-signature/", views.own_author, name="newsroom_own_author"),
        path("newsroom/nouvel-article/", views.new_article, name="newsroom_new_article"),
    ]


@hooks.register("construct_help_menu")
def newsroom_guide_in_the_help_menu(request, menu_items):
    """The Aide menu opens the newsroom's guide, in French, in the admin: not Wagtail's English
    guide or its release notes on wagtail.org."""
    menu_items[:] = [
        item for item in menu_items
        if item.name not in ("editor-guide",) and not item.name.startswith("whats-new-in-wagtail")
    ]  # fmt: skip
    menu_items.insert(0, MenuItem(gettext_lazy("Guide de la rédaction"), reverse("newsroom_guide"),
                                  icon_name="help", order=1, name="newsroom-guide"))  # fmt: skip


class TrashMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return (
            user.has_perm("newsroom.empty_trash")
            or GroupPagePermission.objects.filter(group__in=user.groups.all()).exists()
        )


class SectionsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("newsroom.assign_sections")


@hooks.register("register_admin_menu_item")
def trash_menu_item():
    return TrashMenuItem(gettext_lazy("Poubelle"), reverse("newsroom_trash"), icon_name="bin",
                         order=900)  # fmt: skip


@hooks.register("register_settings_menu_item")
def sections_menu_item():
    return SectionsMenuItem(gettext_lazy("Rubriques attribuées"),
                            reverse("newsroom_sections"), icon_name="folder-open-inverse",
                            order=650)  # fmt: skip


@hooks.register("register_account_menu_item")
def own_author_menu_item(request):
    return {
        "url": reverse("newsroom_own_author"),
        "label": _("Ma signature"),
        "help_text": _("Le nom, la biographie et la photo qui signent vos articles."),
    }


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("newsroom_2fa_setup"),
        "label": _("Double authentification"),
        "help_text": _("Un code à usage unique, en plus du mot de passe."),
    }


@hooks.register("register_account_menu_item")
def recovery_codes_menu_item(request):
    return {
        "url": reverse("newsroom_2fa_recovery_codes"),
        "label": _("Codes de secours"),
        "help_text": _("Pour vous connecter si vous perdez le téléphone de la double "
                       "authentification."),
    }  # fmt: skip


# --- Trash instead of deletion -------------------------------------------------------------------


@hooks.register("before_delete_page")
def trash_instead_of_delete(request, page):
    trash = services.get_trash(create=False)
    if (trash is not None and page.pk == trash.pk) or services.is_in_trash(page):
        # Hard delete happens only here, and only by an administrator.
        if not services.can_delete_for_good(request.user):
            raise PermissionDenied
        return None
    if services.is_trashable(page):
        if request.method != "POST":
            return TemplateResponse(request, "newsroom/confirm_trash.html", {"page": page})
        parent = page.get_parent()
        services.move_to_trash(page, request.user)
        messages.success(request, _("« %(title)s » est à la poubelle : un administrateur peut le "
                                    "restaurer.") % {"title": page.title})  # fmt: skip
        return redirect("wagtailadmin_explore", parent.pk)
    trashable_inside = Page.objects.descendant_of(page).type(*services.trashable_models())
    if trash is not None:
        trashable_inside = trashable_inside.exclude(path__startswith=trash.path)
    if trashable_inside.exists():
        # SPIP never deletes a section that still holds articles: that would destroy them
        # without passing through the trash.
        messages.error(request, _("Cette rubrique contient encore des articles ou des brèves : "
                                  "mettez-les d'abord à la poubelle ou déplacez-les."))  # fmt: skip
        return redirect("wagtailadmin_explore", page.pk)
    return None


@hooks.register("before_bulk_action")
def trash_instead_of_bulk_delete(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not all(isinstance(obj, Page) for obj in objects):
        return None
    trashed = 0
    for obj in objects:
        if services.is_in_trash(obj):
            if not services.can_delete_for_good(request.user):
                raise PermissionDenied
        elif services.is_trashable(obj):
            services.move_to_trash(obj, request.user)
            trashed += 1
        else:
            return trash_instead_of_delete(request, obj) if request.method == "POST" else None
    if trashed:
        messages.success(request, _("%(count)d élément(s) mis à la poubelle.") % {"count": trashed})
        return redirect("newsroom_trash")
    return None


@hooks.register("before_bulk_action")
def no_way_up_through_user_bulk_actions(request, action_type, objects, action_class_instance):
    from .users import check_user_bulk_action

    return check_user_bulk_action(request, action_type, objects, action_class_instance)


# --- What section-limited people see of other sections ------------------------------------------


@hooks.register("construct_page_chooser_queryset")
def chooser_keeps_to_visible_pages(pages, request):
    from .visibility import admin_visible_pages

    return admin_visible_pages(request.user, pages)


class NoDraftTitlesMixin:
    """The confirmation page of a bulk action lists the pages asked about that one may not act
    on, by title: only those one may see are listed (ids of other sections' drafts are dropped as
    if they had not been asked about)."""

    def get_actionable_objects(self):
        from .visibility import admin_visible_pages

        objects, without_access = super().get_actionable_objects()
        # {"items_with_no_access": [pages…], …}: every list of pages in it is filtered.
        listed = [page for pages in without_access.values() for page in pages]
        visible = set(
            admin_visible_pages(
                self.request.user, Page.objects.filter(pk__in=[page.pk for page in listed])
            ).values_list("pk", flat=True)
        )  # fmt: skip
        return objects, {
            key: [page for page in pages if page.pk in visible]
            for key, pages in without_access.items()
        }


def _page_bulk_actions():
    from wagtail.admin.views.pages.bulk_actions import (
        DeleteBulkAction,
        MoveBulkAction,
        PublishBulkAction,
        UnpublishBulkAction,
    )

    return [
        type(action.__name__, (NoDraftTitlesMixin, action), {})
        for action in (DeleteBulkAction, MoveBulkAction, PublishBulkAction, UnpublishBulkAction)
    ]


# Registered after Wagtail's (same action types): the registry keeps the last one.
for _action in _page_bulk_actions():
    hooks.register("register_bulk_action", _action, order=100)


@hooks.register("construct_page_action_menu")
def publish_once_in_the_action_menu(menu_items, request, context):
    """On a proposed text, the review task offers « Publier » (approve, which publishes): Wagtail's
    own « Publier » beside it said the same word for another action (publish and cancel the
    proposal). One « Publier » in the menu: the review's."""
    if any(getattr(item, "name", "") == "approve" for item in menu_items):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


# --- Dashboard -----------------------------------------------------------------------------------


class MyItemsPanel(Component):
    name = "newsroom_my_items"
    order = 50
    template_name = "newsroom/panels/my_items.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        context = services.my_items(self.request.user)
        context["breve_listings"] = services.breve_listings_for(self.request.user)
        context["may_write_articles"] = bool(services.article_sections_for(self.request.user))
        return context


@hooks.register("construct_homepage_panels")
def add_my_items_panel(request, panels):
    # Wagtail's « What's new in Wagtail » panel points at its English guide: the newsroom's
    # guide is in the Aide menu.
    panels[:] = [panel for panel in panels
                 if getattr(panel, "name", "") != "whats_new_in_wagtail_version"]  # fmt: skip
    panels.insert(0, MyItemsPanel(request))


@hooks.register("insert_editor_js")
def spip_preview_js():
    return format_html(
        '<script src="{}" data-preview-url="{}" data-visits-url="{}" id="newsroom-spip-preview">'
        "</script>",
        static("newsroom/spip_preview.js"), reverse("newsroom_spip_preview"),
        reverse("newsroom_page_visits", args=[0]),
    )  # fmt: skip


@hooks.register("insert_global_admin_js")
def datetimepicker_button_names():
    return format_html('<script src="{}" defer></script>', static("newsroom/datetimepicker.js"))


@hooks.register("insert_global_admin_css")
def newsroom_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("newsroom/admin.css"))


# --- Audit log -----------------------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_newsroom_log_actions(actions):
    actions.register_action("newsroom.trash", _("Mis à la poubelle"), _("Mis à la poubelle"))
    actions.register_action("newsroom.restore", _("Restauré depuis la poubelle"),
                            _("Restauré depuis la poubelle"))  # fmt: skip
    actions.register_action("newsroom.permissions", _("Droits modifiés"), _("Droits modifiés"))
    actions.register_action("newsroom.sections", _("Rubriques attribuées"),
                            _("Rubriques attribuées"))  # fmt: skip
    actions.register_action("newsroom.recovery_codes", _("Codes de secours générés"),
                            _("Codes de secours générés"))  # fmt: skip


# --- Page types: the structure is the administrators' --------------------------------------------


@hooks.register("before_create_page")
def only_the_page_types_that_are_ones_to_create(request, parent_page, page_class):
    from .page_types import check_creation

    check_creation(request, parent_page, page_class)


@hooks.register("before_copy_page")
def no_copy_of_the_structure_by_writers(request, page):
    from .page_types import check_copy

    check_copy(request, page)
