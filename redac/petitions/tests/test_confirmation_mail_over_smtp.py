"""The confirmation mail goes through the outbox to a real SMTP server (aiosmtpd), once, with
its link built from the site's URL; following it counts the signature once."""

import pytest
from django.core.mail import get_connection

from redac.core.mail import send_pending_mail
from redac.petitions.models import Petition, Signature
from tests.support.smtp_sink import SmtpSink, free_port

pytestmark = pytest.mark.django_db


def test_confirmation_mails_arrive_once_and_confirm_once(sign, client, petition):
    port = free_port()
    for n in range(3):
        assert sign(email=f"smtp{n}@example.net", ip=f"203.0.113.{n + 1}").status_code == 302
    sign(email="smtp0@example.net", ip="203.0.113.9")  # signed again: no second mail
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1",
                                port=port, timeout=5)  # fmt: skip
    with SmtpSink(port) as sink:
        assert send_pending_mail(connection=connection) == 3
        assert send_pending_mail(connection=connection) == 0
    assert all(count == 1 for count in sink.message_ids().values())
    assert sorted(m["To"] for m in sink.messages) == [f"smtp{n}@example.net" for n in range(3)]
    before = Petition.objects.get(pk=petition.pk).signature_count
    for message in sink.messages:
        body = message.get_payload(decode=True).decode()
        link = next(line for line in body.splitlines() if "/petitions/confirmer/" in line)
        assert link.startswith("http://127.0.0.1:8000/")  # REDAC_SITE_URL, never the Host header
        path = "/" + link.split("/", 3)[3]
        client.post(path)
        client.post(path)
    assert Petition.objects.get(pk=petition.pk).signature_count == before + 3
    assert Signature.objects.filter(email__startswith="smtp", status="confirmed").count() == 3
