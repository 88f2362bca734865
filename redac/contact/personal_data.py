"""Everything redac holds about one e-mail address, for GDPR access (art. 15) and erasure (art. 17).

Each app that stores personal data keyed by an address registers a provider here, so that the
admin's « Données d'une personne » page covers them all (docs/privacy.md lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Provider:
    label: str
    export: Callable[[str], list[dict]]
    erase: Callable[[str], int]


PROVIDERS: list[Provider] = []


def register(label: str, export: Callable[[str], list[dict]], erase: Callable[[str], int]) -> None:
    if all(p.label != label for p in PROVIDERS):
        PROVIDERS.append(Provider(label, export, erase))


def export(email: str) -> dict[str, list[dict]]:
    return {provider.label: provider.export(email) for provider in PROVIDERS}


@transaction.atomic
def erase(email: str) -> dict[str, int]:
    return {provider.label: provider.erase(email) for provider in PROVIDERS}


def _contact_export(email: str) -> list[dict]:
    from .models import ContactMessage

    return [
        {"reçu le": m.created_at.isoformat(), "sujet": m.subject, "nom": m.name,
         "adresse": m.email, "message": m.message}
        for m in ContactMessage.objects.for_person(email)
    ]  # fmt: skip


def _contact_erase(email: str) -> int:
    from .models import ContactMessage, OutgoingMail

    _, per_model = ContactMessage.objects.for_person(email).delete()  # mails go by cascade
    count = per_model.get(ContactMessage._meta.label, 0)
    OutgoingMail.objects.filter(reply_to__iexact=email).delete()
    OutgoingMail.objects.filter(to__iexact=email).delete()
    return count


register("Messages de contact", _contact_export, _contact_erase)
