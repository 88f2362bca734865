"""The WSGI fast path answers beacons exactly as the Django view would, and nothing else."""

import io
import json

import pytest

from redac.visits.fastpath import BeaconFastPath
from redac.visits.models import PageStats

from .conftest import BROWSER

pytestmark = pytest.mark.django_db


def call(app, path="/api/visits/", method="POST", body=b"", host="127.0.0.1"):
    environ = {
        "PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_HOST": host,
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "REMOTE_ADDR": "203.0.113.5", "HTTP_USER_AGENT": BROWSER,
    }  # fmt: skip
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


def django_app(environ, start_response):
    start_response("299 Django", [])
    return [b"django"]


def test_a_beacon_is_counted_and_answered_with_the_security_headers(demo, synchronous_visits):
    breve = demo["breves"]["petition-guichets"]
    answer = call(BeaconFastPath(django_app), body=json.dumps({"page": breve.pk}).encode())
    assert answer["status"] == "204 No Content"
    assert answer["headers"]["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in answer["headers"]
    assert "Set-Cookie" not in answer["headers"]
    assert PageStats.objects.get(page_id=breve.pk).total == 1


def test_errors_are_json_with_the_same_statuses_as_the_view(demo, synchronous_visits):
    answer = call(BeaconFastPath(django_app), body=b'{"page": 999999}')
    assert answer["status"].startswith("400")
    assert "error" in json.loads(answer["body"])
    assert call(BeaconFastPath(django_app), body=b"x" * 5000)["status"].startswith("413")


def test_everything_else_goes_to_django(demo):
    app = BeaconFastPath(django_app)
    assert call(app, path="/api/visits/15/", method="GET")["status"] == "299 Django"
    assert call(app, method="GET")["status"] == "299 Django"
    assert call(app, host="evil.example")["status"] == "299 Django"  # Django answers 400
