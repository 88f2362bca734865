"""Fixtures of the petition tests: the demo's campaign petition, and a signer who posts."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from redac.petitions import services


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Rate limits and bounds live in the cache; the counter's memory in the process."""
    cache.clear()
    services.forget_counters()
    yield
    services.forget_counters()


@pytest.fixture
def petition(demo):
    from redac.petitions.models import Petition

    return Petition.objects.select_related("page").get(page__slug="un-guichet-dans-chaque-gare")


@pytest.fixture
def sign(client, fresh_stamp, petition):
    """Post the signing form of ``petition`` (or another one) as a reader from ``ip``."""

    def post(email="lecteur@example.net", ip="203.0.113.7", target=None, **fields):
        target = target or petition
        data = {"name": "Alex Lecteur", "email": email, "city": "Amiens", "postcode": "80000",
                "consent": "on", "horodatage": fresh_stamp(), "site_web": ""}  # fmt: skip
        data.update(fields)
        data = {key: value for key, value in data.items() if value is not None}
        return client.post(f"/petitions/{target.page_id}/signer/", data, REMOTE_ADDR=ip)

    return post


def confirmation_path(outbox_send=True) -> str:
    """The path of the last confirmation link mailed (after sending the outbox)."""
    from redac.core.mail import send_pending_mail

    if outbox_send:
        send_pending_mail()
    link = re.search(r"http://[^\s]+/petitions/confirmer/[^\s]+/", mail.outbox[-1].body).group(0)
    return "/" + link.split("/", 3)[3]
