"""A reader writes through the contact page; the message is stored first, then queued for mail."""

import time

from django.core import mail

from redac.contact.models import ContactMessage
from redac.core.lib.antispam import issue_stamp
from redac.core.mail import send_pending_mail, sender
from redac.core.models import OutgoingMail


def test_contact_page_shows_subjects_consent_and_is_never_shared_by_a_cache(client, contact_page):
    response = client.get(contact_page.url)
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Presse", "Adhésion", "Webmestre"):
        assert label in html
    assert "Mentions légales" in html  # the consent notice links to the privacy information
    assert "csrfmiddlewaretoken" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_footer_contact_link_leads_to_the_contact_page(client, demo, contact_page):
    html = client.get("/").content.decode()
    assert f'href="{contact_page.url}"' in html


def test_a_valid_message_is_stored_then_queued_and_the_reader_sees_success(post_contact):
    response = post_contact()
    assert response.status_code == 302 and response["Location"].endswith("?envoye=1")
    message = ContactMessage.objects.get()
    assert (message.name, message.email, message.subject) == (
        "Camille Martin",
        "camille@example.fr",
        "Presse",
    )
    outgoing = OutgoingMail.objects.get()
    assert outgoing.status == OutgoingMail.Status.PENDING
    assert outgoing.to == "presse@example.org"
    assert (outgoing.kind, outgoing.source_id) == ("contact", message.pk)


def test_the_thank_you_page_says_it_was_received(client, contact_page):
    html = client.get(contact_page.url + "?envoye=1").content.decode()
    assert "bien été reçu" in html


def test_the_mail_is_plain_text_from_the_site_with_the_reader_in_reply_to(post_contact, settings):
    post_contact()
    assert send_pending_mail() == 1
    sent = mail.outbox[0]
    assert sent.from_email == sender()
    assert sent.reply_to == ["camille@example.fr"]
    assert sent.to == ["presse@example.org"]
    assert sent.content_subtype == "plain" and type(sent).__name__ == "EmailMessage"
    assert "Bonjour, je voudrais vous interviewer." in sent.body
    assert sent.extra_headers["Message-ID"] == OutgoingMail.objects.get().message_id
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_the_outbox_sends_each_mail_once_even_when_run_twice(post_contact):
    post_contact()
    assert send_pending_mail() == 1
    assert send_pending_mail() == 0
    assert len(mail.outbox) == 1


def test_missing_fields_show_french_errors_and_store_nothing(post_contact):
    response = post_contact(name="", message="")
    assert response.status_code == 400
    assert response.content.decode().count('reader-form__error">') == 2
    assert not ContactMessage.objects.exists()


def test_an_unknown_subject_is_refused(post_contact):
    response = post_contact(subject="999999")
    assert response.status_code == 400
    assert not ContactMessage.objects.exists()


def test_a_form_sent_too_fast_is_refused_with_a_clear_message(post_contact):
    response = post_contact(horodatage=issue_stamp(time.time()))
    assert response.status_code == 400
    assert "trop vite" in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_a_forged_timestamp_is_refused(post_contact):
    response = post_contact(horodatage="123")
    assert response.status_code == 400
    assert not ContactMessage.objects.exists()


def test_too_many_links_are_refused(post_contact):
    links = " ".join(f"https://spam{i}.example" for i in range(4))
    response = post_contact(message=f"Achetez {links}")
    assert response.status_code == 400
    assert "trop de liens" in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_the_rejected_form_keeps_what_the_reader_typed(post_contact):
    response = post_contact(email="pas-une-adresse", message="Mon long message")
    html = response.content.decode()
    assert "Mon long message" in html
    assert html.count('reader-form__error">') == 1
