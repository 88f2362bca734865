"""The election silence in the admin: every way an editor puts a page online now (the editor's
« Publier », a bulk publication, a workflow approval, a copy published at once, a live page moved
into a campaign section) is refused in a campaign section during the silence, with the reason;
the scheduler keeps scheduled go-lives for after it (newsroom.jobs)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from wagtail import hooks
from wagtail.models import Page

from .services import (
    blocked_by_silence,
    bulk_publication_blocked,
    in_campaign_section,
    publication_blocked,
    scheduled_into_silence,
)


@hooks.register("before_publish_page")
def refuse_publishing_during_election_silence(request, page):
    reason = publication_blocked(page, go_live_at=page.go_live_at)
    if not reason:
        warning = scheduled_into_silence(page, page.go_live_at)
        if warning:
            messages.warning(request, warning)
        return None
    if page.first_published_at is None:
        # Wagtail's create view inserts the new page with live=True before this hook runs:
        # make it the draft it really is, or it would be online without a published revision.
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
    messages.error(request, reason)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_during_election_silence(request, action_type, objects, action):
    if action_type != "publish" or not all(isinstance(obj, Page) for obj in objects):
        return None
    if request.method != "POST":
        return None
    reason = bulk_publication_blocked(objects, include_descendants=bool(
        request.POST.get("include_descendants")))  # fmt: skip
    if not reason:
        return None
    messages.error(request, reason)
    parent = objects[0].get_parent() if objects else None
    return redirect("wagtailadmin_explore", parent.pk) if parent else redirect("wagtailadmin_home")


@hooks.register("before_copy_page")
def refuse_published_copies_during_election_silence(request, page):
    """A copy « publiée » (or an alias, always live) into a campaign section is a new
    publication there."""
    if request.method != "POST":
        return None
    if not (request.POST.get("publish_copies") or request.POST.get("alias")):
        return None
    parent_id = request.POST.get("new_parent_page") or page.get_parent().pk
    parent = Page.objects.filter(pk=parent_id if str(parent_id).isdigit() else None).first()
    reason = blocked_by_silence(parent) if parent is not None else None
    if not reason:
        return None
    messages.error(request, reason)
    return redirect("wagtailadmin_pages:copy", page.pk)


@hooks.register("before_move_page")
def refuse_moving_into_a_campaign_section_during_election_silence(request, page, destination):
    """A live page moved into a campaign section appears there as new; moves inside or out of
    campaign sections are not new publications."""
    if not page.live or in_campaign_section(page):
        return None
    reason = blocked_by_silence(destination)
    if not reason:
        return None
    messages.error(request, reason)
    return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("after_edit_page")
def explain_refused_approval_in_the_editor(request, page):
    """The editor's « Publier » of a proposed item runs the workflow approval, which refuses during
    the silence (newsroom.models.SectionApprovalTask): say why."""
    if request.POST.get("action-workflow-action") and \
            request.POST.get("workflow-action-name") == "approve":  # fmt: skip
        reason = publication_blocked(page, go_live_at=page.go_live_at)
        if reason:
            messages.error(request, reason)
    return None


def approval_refused(request, page_id: int):
    """Where a refused workflow approval lands: the reason, then the page's editor."""
    page = get_object_or_404(Page, pk=page_id).specific
    reason = publication_blocked(page, go_live_at=page.go_live_at)
    if reason:
        messages.error(request, reason)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_admin_urls")
def reserve_admin_urls():
    return [path("reserve/refuse/<int:page_id>/", approval_refused, name="reserve_refused")]
