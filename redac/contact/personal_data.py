"""GDPR access and erasure for contact messages (registered with redac.core.personal_data)."""

from __future__ import annotations

from redac.core.models import OutgoingMail
from redac.core.personal_data import register

from .models import ContactMessage


def _contact_export(email: str) -> list[dict]:
    return [
        {"reçu le": m.created_at.isoformat(), "sujet": m.subject, "nom": m.name,
         "adresse": m.email, "message": m.message}
        for m in ContactMessage.objects.for_person(email)
    ]  # fmt: skip


def _contact_erase(email: str) -> int:
    # its mails go with it (models.delete_mails_with_message)
    _, per_model = ContactMessage.objects.for_person(email).delete()
    count = per_model.get(ContactMessage._meta.label, 0)
    OutgoingMail.objects.filter(reply_to__iexact=email).delete()
    OutgoingMail.objects.filter(to__iexact=email).delete()
    return count


register("Messages de contact", _contact_export, _contact_erase)
