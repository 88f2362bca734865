"""The « Statistiques » admin: who may see it, what it shows, CSV exports, the editor's tab."""

import datetime as dt

import pytest
from django.utils import timezone

from redac.visits.models import DailyPageVisits, DailyReferrer, DailySiteVisits, PageStats

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/statistiques/"


@pytest.fixture
def figures(demo):
    breve = demo["breves"]["petition-guichets"]
    today = timezone.localdate()
    for days_ago, n in ((0, 12), (1, 30), (40, 7)):
        day = today - dt.timedelta(days=days_ago)
        DailyPageVisits.objects.create(page_id=breve.pk, day=day, visits=n)
        DailySiteVisits.objects.create(day=day, visits=n + 1)
    DailyReferrer.objects.create(page_id=breve.pk, day=today, domain="=cmd|calc", visits=4)
    DailyReferrer.objects.create(page_id=breve.pk, day=today, domain="lemonde.fr", visits=9)
    PageStats.objects.create(page_id=breve.pk, total=884, score=3.0, updated_ts=0)
    return breve


def test_admin_sees_charts_top_pages_sections_and_referrers(client, personas, figures):
    client.force_login(personas["admin"])
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 2  # per day and per month, drawn on the server
    assert "Pétition" in html or figures.title[:20] in html
    assert "Actualité" in html  # the section the brève belongs to
    assert "lemonde.fr" in html
    assert "Aujourd’hui" in html and "13\u00a0visites" in html


@pytest.mark.parametrize("persona", ["editor", "outsider"])
def test_users_without_the_statistics_permission_are_refused(client, personas, figures, persona):
    client.force_login(personas[persona])
    for url in (DASHBOARD, f"{DASHBOARD}page/{figures.pk}/", f"{DASHBOARD}export/jours.csv"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"lemonde.fr" not in response.content


def test_readers_are_sent_to_the_login_page(client, figures):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_statistics_menu_item_is_shown_to_admins_only(client, personas):
    client.force_login(personas["admin"])
    assert DASHBOARD in client.get("/admin/").content.decode()
    client.force_login(personas["editor"])
    assert DASHBOARD not in client.get("/admin/").content.decode()


def test_csv_exports_every_kept_day_and_neutralise_formulas(client, personas, figures):
    client.force_login(personas["admin"])
    days = client.get(f"{DASHBOARD}export/jours.csv")
    assert days["Content-Type"].startswith("text/csv")
    lines = days.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "jour,visites" and len(lines) == 4
    pages = client.get(f"{DASHBOARD}export/pages.csv").content.decode("utf-8-sig")
    assert f",{figures.pk}," in pages
    referrers = client.get(f"{DASHBOARD}export/provenances.csv").content.decode("utf-8-sig")
    assert "'=cmd|calc" in referrers  # would be a formula in a spreadsheet otherwise
    assert client.get(f"{DASHBOARD}export/inconnu.csv").status_code == 404


def test_a_page_has_its_own_statistics_and_an_audience_tab_in_the_editor(client, personas, figures):
    client.force_login(personas["admin"])
    page_view = client.get(f"{DASHBOARD}page/{figures.pk}/")
    assert page_view.status_code == 200
    assert "lemonde.fr" in page_view.content.decode()
    editor = client.get(f"/admin/pages/{figures.pk}/edit/").content.decode()
    assert "Audience" in editor and "<svg" in editor and "lemonde.fr" in editor


def test_the_audience_tab_is_hidden_from_editors_without_the_permission(client, personas, figures):
    client.force_login(personas["editor"])
    response = client.get(f"/admin/pages/{figures.pk}/edit/")
    assert response.status_code == 200
    assert "lemonde.fr" not in response.content.decode()


def test_the_statistics_permission_can_be_granted_to_a_group(client, personas, figures):
    from django.contrib.auth.models import Group, Permission

    editors = Group.objects.get(name="Editors")
    client.force_login(personas["admin"])
    group_form = client.get(f"/admin/groups/edit/{editors.pk}/").content.decode()
    permission = Permission.objects.get(codename="view_statistics")
    assert f'value="{permission.pk}"' in group_form
    editors.permissions.add(permission)
    client.force_login(personas["editor"])
    assert client.get(DASHBOARD).status_code == 200


def test_the_day_axis_labels_never_overlap():
    """Issue 16: the labels under the daily chart ran into one another. Each label shown fits
    in the room up to the next one, at the chart's own proportions (no stretched text)."""
    import datetime as dt
    import re

    from redac.visits.charts import CHAR_WIDTH, bar_chart
    from redac.visits.views_admin import day_axis_label, day_label

    start = dt.date(2026, 11, 6)
    days = [(start + dt.timedelta(days=n), n * 3) for n in range(30)]
    svg = bar_chart(days, day_label, axis_label=day_axis_label, title="Visites")
    assert 'preserveAspectRatio="none"' not in svg
    labels = [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*>([^<]+)</text>',
                                                          svg) if "visite" not in text]  # fmt: skip
    assert len(labels) >= 5 and labels[0][1] == "6 nov."
    for (x1, t1), (x2, t2) in zip(labels, labels[1:]):
        assert x2 - x1 >= (len(t1) + len(t2)) / 2 * CHAR_WIDTH, (t1, t2)
    # The tooltips keep the full date.
    assert "<title>6\u00a0novembre : " in svg
