"""Which page types a person is offered when adding a page: the ones that are theirs to create.

SPIP's rédacteurs write articles and brèves; making a rubrique (or here a brève listing or a plain
page) shapes the site, and SPIP keeps it to administrators. Wagtail's "add" page permission covers
every type allowed under a parent, so the rule is decided here, once, for the type chooser (« Ajouter
une page »), the creation form itself, and page copies: a structural type is created by those who
may publish under that parent (an administrator, or a restricted administrator in their sections).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from wagtail.admin.views.pages.create import AddSubpageView

#: What a person with the "add" permission writes (``app_label.ModelName``): everything else is
#: the site's structure.
TEXT_PAGE_TYPES = ("news.ArticlePage", "news.BrevePage", "agenda.EventPage")


def is_text_type(page_class) -> bool:
    return f"{page_class._meta.app_label}.{page_class.__name__}" in TEXT_PAGE_TYPES


def may_create(user, parent, page_class) -> bool:
    """Whether ``user`` may create a page of ``page_class`` under ``parent`` (who may add pages
    there at all is Wagtail's permission, checked before)."""
    if is_text_type(page_class):
        return True
    return parent.permissions_for_user(user).can_publish_subpage()


def check_creation(request, parent_page, page_class):
    """``before_create_page``: a structural type by someone who may only write is refused."""
    if not may_create(request.user, parent_page, page_class):
        raise PermissionDenied


def check_copy(request, page):
    """``before_copy_page``: copying a rubrique creates one (with everything in it)."""
    parent = page.get_parent()
    if not is_text_type(page.specific_class) and not (
        parent is not None and parent.permissions_for_user(request.user).can_publish_subpage()
    ):
        raise PermissionDenied


class NewsroomAddSubpageView(AddSubpageView):
    """Wagtail's « choose a page type » screen, offering only the types that are the person's
    to create; with one left, straight to its form, as Wagtail does."""

    def dispatch(self, request, parent_page_id, *args, **kwargs):
        response = super().dispatch(request, parent_page_id, *args, **kwargs)
        allowed = [
            page_type for page_type in self.page_types
            if may_create(request.user, self.parent_page, _model(page_type))
        ]  # fmt: skip
        if not allowed:
            raise PermissionDenied
        if len(allowed) == 1 and len(self.page_types) > 1:
            _verbose, app_label, model_name, _description = allowed[0]
            return redirect("wagtailadmin_pages:add", app_label, model_name, self.parent_page.id)
        # The response is not rendered yet: its context holds this very list.
        self.page_types[:] = allowed
        return response


def _model(page_type):
    from django.apps import apps

    _verbose, app_label, model_name, _description = page_type
    return apps.get_model(app_label, model_name)
