"""The form opens and closes with the petition's dates and, when asked, with the election
silence; the counter is in the article's HTML and in the API, answered by the fast path."""

import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from redac.petitions.fastpath import PetitionCounterFastPath
from redac.petitions.models import Petition, Signature
from redac.reserve.models import ElectionSilence

from .conftest import confirmation_path

pytestmark = pytest.mark.django_db


def api(client, petition):
    response = client.get(f"/api/petitions/{petition.page_id}/")
    return response, json.loads(response.content)


def test_the_article_shows_the_counter_and_the_progress_bar_without_javascript(client, petition):
    html = client.get(petition.page.url).content.decode()
    assert "5\u202f214" in html or "5 214" in html or "5214" in html
    assert 'max="10000" value="5214"' in html
    assert f'href="/petitions/{petition.page_id}/signer/"' in html
    assert "redac/js/petitions.js" in html and "<script>" not in html


def test_the_api_answers_the_contract_with_a_short_cache_life(client, petition):
    response, body = api(client, petition)
    assert body == {"signatures": 5214, "goal": 10000, "open": True}
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert "public" in response["Cache-Control"] and max_age <= 5


def test_the_api_knows_nothing_of_drafts_or_pages_without_petition(client, petition, demo):
    assert client.get(f"/api/petitions/{demo['home'].pk}/").status_code == 404
    petition.page.unpublish()
    assert client.get(f"/api/petitions/{petition.page_id}/").status_code == 404


def call(app, path, method="GET", host="127.0.0.1"):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_HOST": host,
               "wsgi.input": io.BytesIO(b""), "REMOTE_ADDR": "203.0.113.5"}  # fmt: skip
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


def django_app(environ, start_response):
    start_response("299 Django", [])
    return [b"django"]


def test_the_fast_path_answers_the_counter_before_django(petition):
    app = PetitionCounterFastPath(django_app)
    answer = call(app, f"/api/petitions/{petition.page_id}/")
    assert answer["status"] == "200 OK"
    assert json.loads(answer["body"]) == {"signatures": 5214, "goal": 10000, "open": True}
    assert "Content-Security-Policy" in answer["headers"]
    assert "max-age=5" in answer["headers"]["Cache-Control"]
    assert call(app, "/api/petitions/999999999/")["status"] == "404 Not Found"
    assert call(app, f"/api/petitions/{petition.page_id}/", method="POST")["status"] == "299 Django"
    assert call(app, "/api/petitions/x/")["status"] == "299 Django"
    assert call(app, f"/api/petitions/{petition.page_id}/", host="evil.example")["status"] == (
        "299 Django"
    )


def test_the_counter_moves_when_a_signature_is_confirmed(sign, client, petition):
    from redac.petitions import services

    sign()
    client.post(confirmation_path())
    services.forget_counters()  # else up to one second later
    _response, body = api(client, petition)
    assert body["signatures"] == 5215
    assert body["signatures"] == Signature.objects.filter(petition=petition).confirmed().count()


def test_before_its_opening_and_after_its_closing_nobody_signs(sign, client, petition):
    now = timezone.now()
    Petition.objects.filter(pk=petition.pk).update(opens_at=now + dt.timedelta(days=1))
    assert sign(email="tot@example.net").status_code == 403
    assert api(client, petition)[1]["open"] is False
    Petition.objects.filter(pk=petition.pk).update(opens_at=None,
                                                   closes_at=now - dt.timedelta(minutes=1))  # fmt: skip
    cache.clear()
    from redac.petitions import services

    services.forget_counters()
    response = sign(email="tard@example.net")
    assert response.status_code == 403 and "close" in response.content.decode()
    assert not Signature.objects.filter(email__in=["tot@example.net", "tard@example.net"]).exists()
    assert api(client, petition)[1]["open"] is False
    html = client.get(petition.page.url).content.decode()
    assert "La pétition est close" in html
    assert f'href="/petitions/{petition.page_id}/signer/"' not in html


def test_a_signature_made_before_the_closing_may_be_confirmed_after_it(sign, client, petition):
    sign(email="juste@example.net")
    Petition.objects.filter(pk=petition.pk).update(
        closes_at=timezone.now() + dt.timedelta(seconds=1))  # fmt: skip
    Signature.objects.filter(email="juste@example.net").update(
        created_at=timezone.now() - dt.timedelta(seconds=5))  # fmt: skip
    Petition.objects.filter(pk=petition.pk).update(closes_at=timezone.now())
    client.post(confirmation_path())
    assert Signature.objects.get(email="juste@example.net").status == Signature.Status.CONFIRMED


@pytest.fixture
def silence(demo):
    setting = ElectionSilence.for_site(demo["site"])
    now = timezone.now()
    setting.starts_at, setting.ends_at = now - dt.timedelta(hours=1), now + dt.timedelta(days=1)
    setting.save()
    return setting


def test_the_form_closes_during_the_reserve_when_the_editor_asks(sign, client, petition, silence):
    assert sign(email="avant@example.net", ip="203.0.113.1").status_code == 302  # option off
    Petition.objects.filter(pk=petition.pk).update(close_during_silence=True)
    response = sign(email="pendant@example.net", ip="203.0.113.2")
    assert response.status_code == 403 and "réserve électorale" in response.content.decode()
    assert not Signature.objects.filter(email="pendant@example.net").exists()
    assert api(client, petition)[1]["open"] is False


def test_the_reserve_leaves_a_petition_open_when_it_is_over(sign, petition, silence):
    Petition.objects.filter(pk=petition.pk).update(close_during_silence=True)
    silence.ends_at = timezone.now() - dt.timedelta(minutes=1)
    silence.save()
    assert sign(email="apres@example.net").status_code == 302


def test_the_served_stack_answers_the_counter_with_a_request_id(petition, settings):
    """redac.wsgi.application, as granian runs it: the counter's fast path sits in it."""
    from django.core import signals
    from django.db import close_old_connections

    from redac import wsgi

    assert "PetitionCounterFastPath" in open(wsgi.__file__).read()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        answer = call(wsgi.application, f"/api/petitions/{petition.page_id}/")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert answer["status"] == "200 OK"
    assert json.loads(answer["body"])["signatures"] == 5214
    assert "X-Request-ID" in answer["headers"]
