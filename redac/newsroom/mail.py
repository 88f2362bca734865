"""E-mails of the publication workflow, all through core's outbox (issue 8).

A proposal, a publication or a refusal is told by e-mail; if the mail server is down at that
moment, the mail waits in the outbox (``core.OutgoingMail``, kind ``workflow``) and the
background worker sends it once the server is back, instead of the mail being lost or the action
failing. That covers Wagtail's own workflow notifications (its notifiers are replaced by
subclasses that queue instead of sending, see :func:`connect_outbox_notifiers`) and ours (the
restricted administrators of the proposed item's section).

The notes of Wagtail's in-editor comments go the same way: the page editor calls Wagtail's
``send_notification`` directly (no hook, no setting), which opens an SMTP connection outside any
error handling, so that a mail server outage turned "save the page" into an error page. The
editor module's name is pointed at :func:`send_notification_through_outbox` (same recipients, same
templates); a test fails if a Wagtail upgrade moves it.

Not covered: password reset mails (the person is waiting for them and can ask again; a reset link
has no business waiting in a table)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.admin import mail as wagtail_mail
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

#: ``OutgoingMail.kind`` of the workflow's notifications.
MAIL_KIND = "workflow"


def send(subject: str, body: str, recipients: list[str]) -> int:
    """Queue one mail per recipient (nobody sees who else was told); returns how many."""
    from redac.core.mail import queue_mail, site_contact_address

    reply_to = site_contact_address()
    for recipient in recipients:
        queue_mail(to=[recipient], subject=subject, body=body, kind=MAIL_KIND, reply_to=reply_to)
    return len(recipients)


class OutboxNotifierMixin:
    """Render Wagtail's notification templates as usual, but queue the plain-text mail in the
    outbox instead of sending it over an SMTP connection opened during the editor's request."""

    def send_emails(self, template_set, context, recipients, **kwargs):
        for recipient in recipients:
            context["user"] = recipient
            with override(recipient.wagtail_userprofile.get_preferred_language()):
                subject = render_to_string(template_set["subject"], context).strip()
                body = render_to_string(template_set["text"], context).strip()
            send(subject, body, [recipient.email])
        return True


class TaskSubmissionNotifier(OutboxNotifierMixin,
                             wagtail_mail.GroupApprovalTaskStateSubmissionEmailNotifier):  # fmt: skip
    pass


class WorkflowSubmissionNotifier(OutboxNotifierMixin,
                                 wagtail_mail.WorkflowStateSubmissionEmailNotifier):  # fmt: skip
    pass


class WorkflowApprovalNotifier(OutboxNotifierMixin,
                               wagtail_mail.WorkflowStateApprovalEmailNotifier):  # fmt: skip
    pass


class WorkflowRejectionNotifier(OutboxNotifierMixin,
                                wagtail_mail.WorkflowStateRejectionEmailNotifier):  # fmt: skip
    pass


#: (signal, sender, Wagtail's dispatch_uid, our notifier): the same uids as
#: wagtail.admin.signal_handlers, so that exactly one notifier per event is connected.
OUTBOX_NOTIFIERS = [
    (task_submitted, TaskState, "group_approval_task_submitted_email_notification",
     TaskSubmissionNotifier()),
    (workflow_submitted, WorkflowState, "workflow_state_submitted_email_notification",
     WorkflowSubmissionNotifier()),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification",
     WorkflowRejectionNotifier()),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification",
     WorkflowApprovalNotifier()),
]  # fmt: skip


def send_notification_through_outbox(recipient_users, notification, extra_context) -> bool:
    """``wagtail.admin.mail.send_notification`` (the in-editor comments' notification), queued:
    the same choice of recipients (active, with an address, who did not opt out in their
    profile) and the same templates, rendered in each recipient's language."""
    from wagtail.users.models import UserProfile

    recipients = [
        user for user in recipient_users
        if user.is_active and user.email
        and getattr(UserProfile.get_for_user(user), f"{notification}_notifications")
    ]  # fmt: skip
    context = {"settings": settings, **extra_context}
    for recipient in recipients:
        context["user"] = recipient
        with override(recipient.wagtail_userprofile.get_preferred_language()):
            subject = render_to_string(
                f"wagtailadmin/notifications/{notification}_subject.txt", context
            ).strip()
            body = render_to_string(f"wagtailadmin/notifications/{notification}.txt", context)
        send(subject, body.strip(), [recipient.email])
    return True


def connect_outbox_notifiers() -> None:
    """Replace Wagtail's workflow notifiers by ours, whatever the order of the apps' ``ready()``:
    Wagtail's are disconnected if already there, and if Wagtail connects them later, Django ignores
    a second receiver with the same ``dispatch_uid``. Then point the page editor's
    ``send_notification`` (in-editor comments) at the outbox version."""
    for signal, sender, uid, notifier in OUTBOX_NOTIFIERS:
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(notifier, sender=sender, dispatch_uid=uid)
    from wagtail.admin.views.pages import edit as page_editor

    page_editor.send_notification = send_notification_through_outbox


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
    return send(subject, body, [user.email for user in reviewers])
