"""The newsroom's own models: the review task of the publication workflow, the trash ("la
poubelle") and what the trash remembers to restore an item where it was."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState


class SectionApprovalTask(AbstractGroupApprovalTask):
    """« Validation » of a proposed item: by the chosen groups (Administrateur), or by whoever may
    publish in the item's section (an Administrateur restreint of that section).

    One workflow for the whole site, instead of one workflow per sector: assigning a restricted
    administrator to a section (a page permission) is then enough to make them its reviewer, and a
    new section needs no new workflow. Wagtail's ``GroupApprovalTask`` only knows fixed groups."""

    def _can_publish_in_place(self, obj, user) -> bool:
        if not isinstance(obj, Page) or not user.is_authenticated:
            return False
        return obj.permissions_for_user(user).can_publish()

    def _is_reviewer(self, obj, user) -> bool:
        return (
            user.is_superuser or self._user_in_groups(user) or self._can_publish_in_place(obj, user)
        )

    def user_can_access_editor(self, obj, user):
        return self._is_reviewer(obj, user)

    def locked_for_user(self, obj, user):
        return not self._is_reviewer(obj, user)

    def user_can_lock(self, obj, user):
        return self._is_reviewer(obj, user)

    def get_actions(self, obj, user):
        if self._is_reviewer(obj, user):
            return [
                ("reject", _("Refuser (avec un commentaire)"), True),
                ("approve", _("Publier"), False),
                ("approve", _("Publier avec un commentaire"), True),
            ]
        return []

    def on_action(self, task_state, user, action_name, **kwargs):
        """« Publier » is refused during the election silence in a campaign section (the item stays
        proposed); the returned URL says why (reserve.wagtail_hooks)."""
        if action_name == "approve":
            from django.urls import reverse

            from redac.reserve.services import publication_blocked

            obj = task_state.workflow_state.content_object
            revision = task_state.revision
            go_live_at = revision.as_object().go_live_at if revision else None
            if isinstance(obj, Page) and publication_blocked(obj, go_live_at=go_live_at):
                return reverse("reserve_refused", args=[obj.pk])
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser or self._user_in_groups(user):
            return states
        from .roles import publishable_section_paths

        paths = publishable_section_paths(user)
        if not paths:
            return TaskState.objects.none()
        query = models.Q()
        for path in paths:
            query |= models.Q(path__startswith=path)
        page_ids = [str(pk) for pk in Page.objects.filter(query).values_list("pk", flat=True)]
        return states.filter(
            workflow_state__base_content_type__app_label="wagtailcore",
            workflow_state__object_id__in=page_ids,
        )

    @classmethod
    def get_description(cls):
        return _(
            "Les membres des groupes choisis, et les administrateurs restreints de la rubrique, "
            "publient ou refusent les éléments proposés."
        )

    class Meta:
        verbose_name = _("validation par la rubrique")
        verbose_name_plural = _("validations par la rubrique")


class TrashPage(Page):
    """The trash ("la poubelle"): deleted articles and brèves wait here, unpublished, with their
    history, until an administrator restores them or deletes them for good. Never public."""

    parent_page_types = ["news.HomePage"]
    # Items arrive by the trash service only (moving them in), never by "add a page".
    subpage_types: list[str] = []
    max_count = 1
    preview_modes: list = []

    class Meta:
        verbose_name = _("poubelle")
        verbose_name_plural = _("poubelles")

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        raise Http404


class TrashEntry(models.Model):
    """Where a trashed page came from, so that « Restaurer » puts it back as it was."""

    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, related_name="trash_entry", verbose_name=_("page")
    )
    original_parent = models.ForeignKey(
        Page, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("rubrique d'origine"),
    )  # fmt: skip
    original_slug = models.SlugField(_("adresse d'origine"), max_length=255, allow_unicode=True)
    was_live = models.BooleanField(_("était publié"), default=False)
    trashed_at = models.DateTimeField(_("mis à la poubelle le"), auto_now_add=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("par"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("élément à la poubelle")
        verbose_name_plural = _("éléments à la poubelle")
        permissions = [
            ("empty_trash", _("Supprimer définitivement depuis la poubelle")),
            ("assign_sections", _("Attribuer leurs rubriques aux administrateurs restreints")),
        ]
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.page)
