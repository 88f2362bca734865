"""Workflows around contact messages: store and queue their notification (sent by the outbox of
:mod:`redac.core.mail`), purge, export, erase."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from redac.core.lib.dates import long_date
from redac.core.mail import purge_old_mail, queue_mail, site_name, split_addresses

from .models import ContactMessage, ContactPage, ContactSubject

# --- Storing and queueing ------------------------------------------------------------------------


@transaction.atomic
def store_contact_message(page: ContactPage, subject: ContactSubject, *, name: str, email: str,
                          message: str) -> ContactMessage:  # fmt: skip
    """Store the message and queue its notification, atomically. The reader's text goes into the
    mail body as data: it is never a template nor a format string (security case 4)."""
    recipients = split_addresses(subject.recipients)
    stored = ContactMessage.objects.create(
        page=page, subject=subject.label, recipients=", ".join(recipients), name=name,
        email=email, message=message,
    )  # fmt: skip
    admin_url = f"{settings.SITE_URL.rstrip('/')}/admin/messages/{stored.pk}/"
    body = "\n".join(
        [
            f"Message reçu par le formulaire de contact de {site_name()}.",
            "",
            f"Sujet : {stored.subject}",
            f"Nom : {stored.name}",
            f"Adresse : {stored.email}",
            f"Reçu le : {long_date(timezone.localtime(stored.created_at))}",
            "",
            stored.message,
            "",
            "-- ",
            f"Répondre à ce courriel écrit à {stored.email}.",
            f"Le message est aussi dans l'espace rédaction : {admin_url}",
        ]
    )
    queue_mail(
        to=recipients, subject=f"[Contact] {stored.subject} : {stored.name}", body=body,
        reply_to=stored.email, kind="contact", source_id=stored.pk,
    )  # fmt: skip
    return stored


# --- Retention, export and erasure (GDPR) ------------------------------------------------------


def purge_expired_messages(now=None) -> int:
    """Delete messages older than the retention period (and their mails: ContactMessage.delete),
    and sent or abandoned notification mails of any kind after the same period."""
    now = now or timezone.now()
    _, per_model = ContactMessage.objects.older_than_retention(now).delete()
    purge_old_mail(now)
    return per_model.get(ContactMessage._meta.label, 0)
