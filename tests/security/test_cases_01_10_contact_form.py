"""Security cases 1-10: the public contact form (unauthenticated, political-opinion data)."""

import csv
import io
from email import message_from_bytes

import pytest
from django.core import mail
from django.test import Client

from redac.contact.models import ContactMessage
from redac.contact.services import store_contact_message
from redac.core.mail import queue_mail, send_pending_mail
from redac.core.models import OutgoingMail

XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


def test_case_01_script_in_message_is_stored_verbatim_and_escaped_for_staff(
    post_contact, client, personas
):
    post_contact(message=XSS)
    stored = ContactMessage.objects.get()
    assert stored.message == XSS
    client.force_login(personas["admin"])
    for url in ("/admin/messages/", f"/admin/messages/{stored.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    send_pending_mail()
    sent = mail.outbox[0]
    assert sent.content_subtype == "plain"  # text/plain: a mail client runs nothing
    assert XSS in sent.body


def test_case_02_header_injection_in_name_is_refused(post_contact):
    response = post_contact(name="Bob\r\nBcc: victim@example.org")
    assert response.status_code == 400
    assert "une seule ligne" in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_case_02_newline_in_subject_choice_is_refused(post_contact, contact_page):
    subject = contact_page.subjects.first()
    response = post_contact(subject=f"{subject.pk}\nBcc: victim@example.org")
    assert response.status_code == 400
    assert not ContactMessage.objects.exists()


def test_case_02_no_extra_header_reaches_the_wire_and_no_500(db):
    queue_mail(to=["a@example.org"], subject="Salut\r\nBcc: victim@example.org", body="x",
               kind="test")  # fmt: skip
    assert send_pending_mail() == 1
    raw = mail.outbox[0].message().as_bytes()
    parsed = message_from_bytes(raw)
    assert parsed["Bcc"] is None and "victim" not in (parsed["To"] + parsed["Subject"].replace(
        "Bcc: victim@example.org", ""))  # fmt: skip
    assert b"\nBcc:" not in raw


@pytest.mark.parametrize(
    "address",
    [
        '"><svg onload=alert(1)>@x.fr',
        "josé@exemple.fr",
        "a@b.c\r\nBcc: x@y.z",
        "victim@example.org, other@x.fr",
    ],
)
def test_case_03_bad_or_exotic_email_is_a_form_error_never_a_header(post_contact, address):
    response = post_contact(email=address)
    assert response.status_code == 400
    assert "<svg onload" not in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_case_03_from_is_fixed_and_the_reader_is_only_in_reply_to(post_contact, settings):
    post_contact(email="lecteur@example.fr")
    send_pending_mail()
    from redac.core.mail import sender

    # The site's own address, named after the site: never the reader's.
    assert mail.outbox[0].from_email == sender()
    assert settings.DEFAULT_FROM_EMAIL in sender() and "lecteur" not in sender()
    assert mail.outbox[0].reply_to == ["lecteur@example.fr"]


@pytest.mark.parametrize(
    "payload", ["{{ settings.SECRET_KEY }}", "{% debug %}", "{0.__class__.__mro__}", "%(name)s %s"]
)
def test_case_04_template_syntax_appears_literally(post_contact, client, personas, payload,
                                                   settings):  # fmt: skip
    post_contact(message=payload, name=payload.replace("\n", " ")[:100])
    stored = ContactMessage.objects.get()
    assert stored.message == payload
    send_pending_mail()
    assert payload in mail.outbox[0].body
    assert settings.SECRET_KEY not in mail.outbox[0].body
    client.force_login(personas["admin"])
    html = client.get(f"/admin/messages/{stored.pk}/").content.decode()
    assert settings.SECRET_KEY not in html
    assert "__mro__" in html or "{{" in html or "{%" in html or "%(name)s" in html


def test_case_05_huge_body_and_too_many_fields_are_refused_without_500(client, contact_page):
    big = client.post(contact_page.url, {"message": "x" * 5_000_000})
    assert big.status_code in (400, 413)
    fields = "&".join(f"f{i}=1" for i in range(100_000))
    many = client.post(contact_page.url, fields,
                       content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert many.status_code in (400, 413)
    assert not ContactMessage.objects.exists()


def test_case_05_message_length_is_capped(post_contact):
    response = post_contact(message="a" * 10_001)
    assert response.status_code == 400
    assert not ContactMessage.objects.exists()


def test_case_06_post_without_or_with_stale_csrf_token_is_403(contact_page, form_stamp):
    strict = Client(enforce_csrf_checks=True)
    data = {"name": "A", "email": "a@example.org", "message": "x", "horodatage": form_stamp,
            "subject": contact_page.subjects.first().pk}  # fmt: skip
    assert strict.post(contact_page.url, data).status_code == 403
    strict.cookies["csrftoken"] = "a" * 32
    stale = {**data, "csrfmiddlewaretoken": "b" * 32}
    assert strict.post(contact_page.url, stale).status_code == 403
    assert not ContactMessage.objects.exists()


def test_case_07_fifty_submissions_in_a_minute_are_throttled_with_429(post_contact):
    codes = [post_contact(message=f"Essai {n}").status_code for n in range(50)]
    assert codes[0] == 302
    assert codes.count(429) >= 40
    assert ContactMessage.objects.count() <= 5
    assert "Trop d" in post_contact().content.decode()


def test_case_07_filled_honeypot_is_silently_discarded(post_contact):
    response = post_contact(site_web="http://spam.example")
    assert response.status_code == 302  # the bot learns nothing
    assert not ContactMessage.objects.exists()


def test_case_08_smtp_down_visitor_sees_success_and_message_is_pending(post_contact):
    from django.core.mail import get_connection

    from tests.support.smtp_sink import SmtpSink, free_port

    port = free_port()
    response = post_contact()
    assert response.status_code == 302 and response["Location"].endswith("?envoye=1")
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1",
                          port=port, timeout=5)  # fmt: skip
    assert send_pending_mail(connection=smtp) == 0
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.FAILED
    OutgoingMail.objects.update(next_attempt_at=OutgoingMail.objects.get().created_at)
    with SmtpSink(port) as sink:
        assert send_pending_mail(connection=smtp) == 1
        assert send_pending_mail(connection=smtp) == 0
    assert len(sink.messages) == 1


def test_case_09_nul_surrogates_and_rtl_override_do_not_cause_500(post_contact, client, personas,
                                                                   contact_page, form_stamp):  # fmt: skip
    response = post_contact(message="avant\x00après \u202egnp.exe", name="Nul\x00le")
    assert response.status_code == 302
    stored = ContactMessage.objects.get()
    assert "\x00" not in stored.message and "\x00" not in stored.name
    assert "\u202e" in stored.message  # kept as typed, displayed escaped
    subject = contact_page.subjects.first().pk
    raw = (f"name=Lone&email=l%40example.org&subject={subject}&horodatage={form_stamp}"
           "&message=%ED%A0%80surrogate%FF").encode()  # fmt: skip
    response = client.post(contact_page.url, raw, content_type="application/x-www-form-urlencoded",
                           REMOTE_ADDR="192.0.2.99")  # fmt: skip
    assert response.status_code in (302, 400)
    client.force_login(personas["admin"])
    assert client.get("/admin/messages/").status_code == 200


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://evil","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3"]
)
def test_case_10_csv_export_neutralises_formulas(client, personas, contact_page, payload):
    store_contact_message(contact_page, contact_page.subjects.first(), name=payload,
                          email="f@example.org", message=payload)  # fmt: skip
    client.force_login(personas["admin"])
    content = client.get("/admin/messages/export.csv?etat=tous").content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(content)))[1]
    assert row[2] == "'" + payload and row[4] == "'" + payload
