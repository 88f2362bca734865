"""Security case 33: X-Forwarded-For is believed only from a configured trusted proxy."""

from django.test import RequestFactory, override_settings

from redac.contact.models import ContactMessage
from redac.core.lib.net import client_ip, client_key


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_case_33_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy():
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@override_settings(REDAC_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_case_33_trusted_proxy_forwarded_for_gives_the_nearest_untrusted_hop():
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3")) == "198.51.100.7"
    assert client_ip(_request("10.0.0.2", "garbage")) == "10.0.0.2"
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_case_33_rate_limit_key_hides_the_address_and_ignores_spoofing():
    key = client_key(_request("203.0.113.9"), "contact")
    assert "203.0.113.9" not in key
    assert key == client_key(_request("203.0.113.9", "1.2.3.4"), "contact")


def test_case_33_rotating_forwarded_for_does_not_escape_the_contact_rate_limit(
    client, contact_page, fresh_stamp
):
    subject = contact_page.subjects.first().pk
    codes = []
    for n in range(20):
        data = {"name": "Bot", "email": "bot@example.org", "subject": subject,
                "message": f"Spam {n}", "horodatage": fresh_stamp()}  # fmt: skip
        codes.append(client.post(contact_page.url, data, REMOTE_ADDR="203.0.113.9",
                                 HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").status_code)  # fmt: skip
    assert codes.count(429) == 15
    assert ContactMessage.objects.count() == 5
