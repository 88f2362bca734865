from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from .services import blocked_by_silence


@hooks.register("before_publish_page")
def refuse_publishing_during_election_silence(request, page):
    reason = blocked_by_silence(page)
    if reason:
        messages.error(request, reason)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
