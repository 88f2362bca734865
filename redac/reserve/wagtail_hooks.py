from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.models import Page

from .services import blocked_by_silence


@hooks.register("before_publish_page")
def refuse_publishing_during_election_silence(request, page):
    reason = blocked_by_silence(page)
    if not reason:
        return None
    if page.first_published_at is None:
        # Wagtail's create view inserts the new page with live=True before this hook runs:
        # make it the draft it really is, or it would be online without a published revision.
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
    messages.error(request, reason)
    return redirect("wagtailadmin_pages:edit", page.pk)
