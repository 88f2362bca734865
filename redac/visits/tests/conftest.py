import pytest


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    from redac.visits import views

    views._live_pages.clear()
    yield
    views._live_pages.clear()


@pytest.fixture
def synchronous_visits(monkeypatch):
    """Beacons written in the request thread, inside the test's transaction (the writer thread has
    its own connection and would not see the test's uncommitted pages). The buffer itself is tested
    in test_visit_buffer.py and against a real server in test_beacons_on_a_real_server.py."""
    from redac.visits import services, views

    def submit(hit, timeout=10.0):
        services.record_hits([hit])
        return True

    monkeypatch.setattr(views.visit_buffer, "submit", submit)


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


@pytest.fixture
def beacon(client, synchronous_visits):
    """POST a beacon as a browser would; keyword arguments become request headers."""
    import json

    def send(page_id, referrer="", ip="203.0.113.5", user_agent=BROWSER, body=None, **headers):
        payload = body if body is not None else json.dumps({"page": page_id, "referrer": referrer})
        return client.post(
            "/api/visits/", data=payload, content_type="text/plain;charset=UTF-8",
            REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent, **headers,
        )  # fmt: skip

    return send
