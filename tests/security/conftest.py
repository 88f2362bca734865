"""Fixtures for the security cases of ../shared/reference/security-cases.md."""

from redac.contact.tests.conftest import (  # noqa: F401  (fixtures re-exported for these tests)
    _fresh_rate_limits,
    contact_page,
    post_contact,
)
