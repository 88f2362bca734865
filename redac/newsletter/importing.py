"""Importing an existing list of subscribers (CSV), for an organisation moving its list to redac.

Nobody is mailed a confirmation: the people were already subscribed elsewhere. So the import
demands that the person importing attests they consented (CNIL: the organisation must be able to
prove consent), and records who attested it and when as each subscription's consent text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from .models import NewsletterList, Subscriber, Subscription

IMPORT_CONSENT_VERSION = "import"


class ConsentNotConfirmed(Exception):
    """The importer did not attest that these people consented: nothing is imported."""


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line number, value)


def addresses(text: str):
    """(line number, address) of each row: the first cell that looks like an address; a header
    row (no ``@`` in it) is skipped."""
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [cell.strip() for cell in row if cell.strip()]
        if not cells:
            continue
        found = next((cell for cell in cells if "@" in cell), None)
        if found is None and number == 1:
            continue  # the header
        yield number, (found or cells[0])


@transaction.atomic
def import_csv(text: str, newsletter_list: NewsletterList, *, consent_confirmed: bool,
               by: str) -> ImportResult:  # fmt: skip
    if not consent_confirmed:
        raise ConsentNotConfirmed
    now = timezone.now()
    consent = (f"Importé le {timezone.localtime(now):%d/%m/%Y à %H:%M} par {by}, qui a attesté "
               "que ces personnes avaient consenti à recevoir cette lettre.")  # fmt: skip
    result = ImportResult()
    for number, value in addresses(text):
        email = value.strip().lower()
        try:
            validate_email(email)
            if not email.isascii() or len(email) > 254:
                raise ValidationError("address")
        except ValidationError:
            result.refused.append((number, value[:100]))
            continue
        subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={
            "status": Subscriber.Status.CONFIRMED, "confirmed_at": now,
            "consent_version": IMPORT_CONSENT_VERSION, "consent_text": consent,
            "unsubscribe_token": Subscriber.new_unsubscribe_token(),
        })  # fmt: skip
        if subscriber.status != Subscriber.Status.CONFIRMED:
            subscriber.status, subscriber.confirmed_at = Subscriber.Status.CONFIRMED, now
            subscriber.save(update_fields=["status", "confirmed_at"])
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber, list=newsletter_list,
            defaults={"status": Subscription.Status.CONFIRMED, "confirmed_at": now,
                      "consent_version": IMPORT_CONSENT_VERSION, "consent_text": consent,
                      "source": "import"},
        )  # fmt: skip
        if created:
            result.added += 1
        elif subscription.status == Subscription.Status.CONFIRMED:
            result.already += 1
        else:
            subscription.status, subscription.confirmed_at = Subscription.Status.CONFIRMED, now
            subscription.consent_version, subscription.consent_text = (
                IMPORT_CONSENT_VERSION,
                consent,
            )
            subscription.source, subscription.confirm_token_hash = "import", ""
            subscription.save()
            result.added += 1
    return result
