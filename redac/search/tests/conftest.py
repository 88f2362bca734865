import pytest


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The demo plus the generated corpus, built once per module inside a transaction that is
    rolled back at the end (tests nest their own savepoints inside it)."""
    from django.db import transaction

    from .corpus import build_corpus

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_corpus()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
