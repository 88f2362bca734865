"""Delivery-status notifications (RFC 3464) read back into the subscribers list.

A relay that cannot deliver a letter mails back a ``multipart/report; report-type=delivery-status``
message whose ``message/delivery-status`` part holds one block per recipient, with
``Final-Recipient``, ``Action`` and ``Status`` (an RFC 3463 code: 2.x.x success, 4.x.x temporary,
5.x.x permanent). A permanent failure stops every letter to the address at once (sending on to
dead addresses is what gets a sender blocklisted); temporary ones (mailbox full, greylisting that
gave up) only after ``REDAC_NEWSLETTER_SOFT_BOUNCES`` of them. The standard library's ``email``
package parses the report; no dependency is needed for it.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from django.db.models import F
from django.utils import timezone

from .models import Delivery, Subscriber

_STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}")


@dataclass(frozen=True)
class Bounce:
    address: str
    hard: bool
    status: str
    message_id: str = ""


def _recipient_blocks(report: Message) -> list[Message]:
    payload = report.get_payload()
    if isinstance(payload, list):  # the email package splits the blocks into header sets
        return payload[1:]
    # Some parsers leave the part as text: split the blocks on blank lines ourselves.
    blocks = re.split(r"\r?\n\s*\r?\n", str(payload).strip())
    return [email.message_from_string(block) for block in blocks[1:]]


def _returned_message_id(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() in ("text/rfc822-headers", "message/rfc822"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                inner = inner[0]
            if isinstance(inner, str):
                inner = email.message_from_string(inner)
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return inner["Message-ID"].strip()
    return ""


def parse_dsn(raw: bytes) -> list[Bounce]:
    """The failures a delivery-status notification reports (empty for any other message, and
    for successes and relays)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() != "multipart/report":
        return []
    message_id = _returned_message_id(message)
    bounces = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _recipient_blocks(part):
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            status = _STATUS.match((block.get("Status") or "").strip())
            action = (block.get("Action") or "").strip().lower()
            if not address or status is None or status.group(1) == "2":
                continue
            if action not in ("failed", "delayed"):
                continue
            bounces.append(Bounce(address, hard=status.group(1) == "5" and action == "failed",
                                  status=status.group(0), message_id=message_id))  # fmt: skip
    return bounces


def record(bounces: list[Bounce], now=None) -> dict[str, int]:
    """Mark the addresses: a hard bounce stops them at once, soft ones count. Returns what was
    done. Addresses we do not know are ignored (nothing is stored about them)."""
    now = now or timezone.now()
    done = {"hard": 0, "soft": 0, "unknown": 0}
    for bounce in bounces:
        known = Subscriber.objects.filter(email__iexact=bounce.address)
        if not known.exists():
            done["unknown"] += 1
            continue
        if bounce.hard:
            known.filter(hard_bounced_at__isnull=True).update(hard_bounced_at=now)
            done["hard"] += 1
        else:
            known.update(soft_bounces=F("soft_bounces") + 1)
            done["soft"] += 1
        if bounce.message_id:
            Delivery.objects.filter(message_id=bounce.message_id).update(
                state=Delivery.State.FAILED, error=f"avis de non-remise {bounce.status}"
            )
    return done
