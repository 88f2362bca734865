"""Each newsroom persona gets exactly its rights on the statistics (issue 9): the dashboard, the
per-page statistics, the CSV exports and the editor's « Audience » tab belong to the
Administrateur and Webmestre roles (``redac.newsroom.roles``: the ``visits`` app's permissions).
Rédacteurs and restricted administrators are refused, even on pages they may edit; people without
admin access are sent to the login page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from redac.visits.models import DailyPageVisits, DailyReferrer, DailySiteVisits, PageStats
from tests.support.personas import login

MAY_SEE_STATISTICS = {"administrateur", "webmestre"}
STAFF_REFUSED = {"redacteur", "restricted"}
NO_ADMIN_ACCESS = {"outsider", "anonymous"}
PERSONAS = sorted(MAY_SEE_STATISTICS | STAFF_REFUSED | NO_ADMIN_ACCESS)
#: A referrer only the statistics show: its presence in a response means statistics leaked.
MARKER = "fuite-des-statistiques.example"


@pytest.fixture
def article_with_visits(personas):
    article = personas["article_a"]
    today = timezone.localdate()
    DailyPageVisits.objects.create(page_id=article.pk, day=today, visits=42)
    DailySiteVisits.objects.create(day=today, visits=43)
    DailyReferrer.objects.create(page_id=article.pk, day=today, domain=MARKER, visits=5)
    DailyReferrer.objects.create(page_id=article.pk, day=today - dt.timedelta(days=1),
                                 domain=MARKER, visits=1)  # fmt: skip
    PageStats.objects.create(page_id=article.pk, total=884, score=3.0, updated_ts=0)
    return article


@pytest.fixture
def as_persona(client, personas):
    def log_in(persona):
        return client if persona == "anonymous" else login(client, personas[persona])

    return log_in


VIEWS = {
    "dashboard": lambda page: reverse("visits_admin:dashboard"),
    "page": lambda page: reverse("visits_admin:page", args=[page.pk]),
    "export_days": lambda page: reverse("visits_admin:export", args=["jours"]),
    "export_pages": lambda page: reverse("visits_admin:export", args=["pages"]),
    "export_referrers": lambda page: reverse("visits_admin:export", args=["provenances"]),
}
#: What each view must show to those allowed (proves the view answered with the figures).
SHOWN = {"dashboard": MARKER, "page": MARKER, "export_days": "43", "export_pages": ",42",
         "export_referrers": MARKER}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_statistics_views_by_persona(as_persona, article_with_visits, persona, view):
    response = as_persona(persona).get(VIEWS[view](article_with_visits))
    body = response.content.decode("utf-8-sig")
    if persona in MAY_SEE_STATISTICS:
        assert response.status_code == 200, f"{persona} should open {view}"
        assert SHOWN[view] in body
    else:
        if persona in NO_ADMIN_ACCESS:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        else:
            # Wagtail answers a refused admin view with a redirect to the dashboard.
            assert response.status_code == 403 or (
                response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
            ), f"{persona}: {response.status_code}"
        assert MARKER not in body and "884" not in body


@pytest.mark.parametrize("persona", ["restricted", "administrateur"])
def test_the_audience_tab_is_shown_only_with_the_statistics_right(as_persona, article_with_visits,
                                                                  persona):  # fmt: skip
    """Both may edit the article (section A); only the Administrateur sees its audience."""
    response = as_persona(persona).get(
        reverse("wagtailadmin_pages:edit", args=[article_with_visits.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    page_statistics = reverse("visits_admin:page", args=[article_with_visits.pk])
    if persona in MAY_SEE_STATISTICS:
        assert "Audience" in html and MARKER in html and page_statistics in html
    else:
        assert MARKER not in html and page_statistics not in html


@pytest.mark.parametrize("persona", sorted(MAY_SEE_STATISTICS | STAFF_REFUSED))
def test_the_statistics_menu_item_follows_the_same_rights(as_persona, persona):
    html = as_persona(persona).get(reverse("wagtailadmin_home")).content.decode()
    assert (reverse("visits_admin:dashboard") in html) == (persona in MAY_SEE_STATISTICS)
