"""Fixtures for the security cases of ../shared/reference/security-cases.md."""

from redac.comments.tests.conftest import (  # noqa: F401  (fixtures re-exported for these tests)
    article,
    post_comment_as_reader,
    section_editor,
)
from redac.contact.tests.conftest import (  # noqa: F401
    _fresh_rate_limits,
    contact_page,
    post_contact,
)
from redac.newsroom.tests.conftest import newsroom_personas  # noqa: F401
