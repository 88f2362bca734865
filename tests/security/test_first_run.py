"""Security case 53: no default account; the first administrator gets a password nobody else knows.

The demo command's behaviour is tested in redac/demo/tests/test_demo_command.py; the two tests that
carry case 53 are marked ``security_case(53)`` there.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command


@pytest.mark.django_db
def test_case_53_createsuperuser_without_a_terminal_sets_no_usable_password(monkeypatch):
    """``redac createsuperuser`` is interactive; run non-interactively without a password it
    creates an account nobody can log into, never one with a known password."""
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    call_command("createsuperuser", interactive=False, username="cheffe", email="c@example.org")
    user = User.objects.get(username="cheffe")
    assert user.is_superuser and not user.has_usable_password()
    for guess in ("admin", "cheffe", "password", ""):
        assert not user.check_password(guess)
