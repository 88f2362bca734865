"""Fixtures for the security cases of ../shared/reference/security-cases.md, and their mark."""

from pathlib import Path

import pytest

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

from .cases import key_from_name

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """A test of this folder named after a case or a class of attack carries its mark (cases.py);
    tests written elsewhere carry ``@pytest.mark.security_case(...)`` themselves."""
    for item in items:
        if HERE in Path(item.path).parents:
            key = key_from_name(getattr(item, "originalname", item.name))
            if key is not None and not any(True for _ in item.iter_markers("security_case")):
                item.add_marker(pytest.mark.security_case(key))
