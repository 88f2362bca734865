"""The outbox and the retention purges are periodic jobs of ``redac worker``."""

from django.core import mail

from redac.core.jobs import registered_jobs
from redac.core.models import OutgoingMail


def test_issue_8_jobs_are_registered():
    names = set(registered_jobs())
    assert {"core.outbox", "contact.purge", "comments.purge_ips",
            "newsletter.purge_unconfirmed"} <= names  # fmt: skip
    assert registered_jobs()["core.outbox"].every <= 10


def test_running_the_outbox_job_sends_the_mail(post_contact):
    # The job itself, not run_due_jobs(force=True): other apps' jobs manage their own database
    # connections, which does not mix with the test's transaction.
    post_contact()
    registered_jobs()["core.outbox"].func()
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT
