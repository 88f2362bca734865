import pytest
from django.core.cache import cache
from django.core.mail import get_connection
from django.utils import timezone

from redac.newsletter.models import Letter, LetterItem, NewsletterList, Subscriber, Subscription


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def weekly(db):
    return NewsletterList.objects.create(name="Lettre hebdomadaire", slug="hebdo",
                                         sender_name="La rédaction",
                                         sender_email="lettre@example.org")  # fmt: skip


@pytest.fixture
def make_subscribers(db):
    def make(newsletter_list, count, prefix="lecteur"):
        people = []
        for n in range(count):
            subscriber = Subscriber.objects.create(
                email=f"{prefix}{n}@example.net", status=Subscriber.Status.CONFIRMED,
                confirmed_at=timezone.now(), unsubscribe_token=Subscriber.new_unsubscribe_token(),
                consent_version="v1",
            )  # fmt: skip
            Subscription.objects.create(subscriber=subscriber, list=newsletter_list,
                                        status=Subscription.Status.CONFIRMED,
                                        confirmed_at=timezone.now(), consent_version="v1")  # fmt: skip
            people.append(subscriber)
        return people

    return make


@pytest.fixture
def letter(weekly, personas):
    letter = Letter.objects.create(list=weekly, subject="La lettre de la semaine",
                                   editorial="Chères lectrices, chers lecteurs,\n\nBonne lecture.")  # fmt: skip
    for position, page in enumerate([personas["article_a"], personas["article_b"]]):
        LetterItem.objects.create(letter=letter, page=page, position=position)
    return letter


@pytest.fixture
def no_rate_limit(settings):
    settings.REDAC_NEWSLETTER_RATE = 0


def smtp_connection(port):
    return get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1",
                          port=port, timeout=5, use_tls=False, use_ssl=False)  # fmt: skip
