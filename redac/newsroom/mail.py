"""E-mails of the publication workflow.

They go through the contact app's outbox (issue 8) when it is installed, so that a mail server
outage delays them instead of losing them; otherwise straight through Django's mail backend."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Page


def send(subject: str, body: str, recipients: list[str]) -> None:
    try:
        from redac.contact.outbox import queue_mail  # issue 8's outbox, when merged
    except ImportError:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
        return
    for recipient in recipients:
        queue_mail(subject=subject, body=body, to=[recipient])


def section_reviewers(page: Page, exclude=None):
    """Active users who may publish ``page`` through a section assignment (restricted admins)."""
    from .roles import SECTION_GROUP_PREFIX

    users = (
        get_user_model().objects.filter(is_active=True,
                                        groups__name__startswith=SECTION_GROUP_PREFIX)
        .exclude(email="").distinct()
    )  # fmt: skip
    return [user for user in users
            if user != exclude and page.permissions_for_user(user).can_publish()]  # fmt: skip


def notify_proposal(task_state, submitter=None) -> int:
    obj = task_state.workflow_state.content_object
    if not isinstance(obj, Page):
        return 0
    reviewers = section_reviewers(obj, exclude=submitter)
    if not reviewers:
        return 0
    url = AdminURLFinder().get_edit_url(obj) or ""
    who = submitter.get_full_name() or submitter.get_username() if submitter else _("Quelqu'un")
    subject = _("Proposé à la publication : %(title)s") % {"title": obj.title}
    body = _(
        "%(who)s propose « %(title)s » à la publication.\n\n"
        "Pour le relire, le publier ou le refuser : %(url)s\n"
    ) % {"who": who, "title": obj.title, "url": settings.WAGTAILADMIN_BASE_URL + url}
    send(subject, body, [user.email for user in reviewers])
    return len(reviewers)
