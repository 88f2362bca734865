import pytest


@pytest.fixture
def contact_page(demo):
    from redac.contact.models import ContactPage

    return ContactPage.objects.get()


@pytest.fixture
def post_contact(client, contact_page, fresh_stamp):
    """Post the contact form as a reader would (from address ``ip``), with valid defaults."""

    def post(ip="203.0.113.7", **fields):
        subject = contact_page.subjects.get(label="Presse")
        data = {"name": "Camille Martin", "email": "camille@example.fr", "subject": subject.pk,
                "message": "Bonjour, je voudrais vous interviewer.", "horodatage": fresh_stamp(),
                "site_web": ""}  # fmt: skip
        data.update(fields)
        return client.post(contact_page.url, data, REMOTE_ADDR=ip)

    return post


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
