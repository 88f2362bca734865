"""The statistics dashboard in the admin (« Statistiques »), a page's statistics, CSV exports.

Thin views over ``services``; access needs the ``visits.view_statistics`` permission (superusers
have it; grant it to a group in *Paramètres > Groupes*), and, being admin URLs, the admin access.
"""

from __future__ import annotations

import csv
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from redac.core.lib.dates import long_date

from . import services
from .charts import bar_chart
from .models import STATISTICS_PERMISSION, PageStats

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc."]  # fmt: skip


def day_label(day: dt.date) -> str:
    return long_date(day, "fr", year=False)


def day_axis_label(day: dt.date) -> str:
    """« 3 nov. » under the daily chart's axis (the tooltip and the table say « 3 novembre »)."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def require_statistics_permission(request) -> None:
    if not request.user.has_perm(STATISTICS_PERMISSION):
        raise PermissionDenied


def page_statistics_context(page: Page, compact: bool = False) -> dict:
    today = timezone.localdate()
    days = services.daily_series(30, page_id=page.pk, today=today)
    stats = PageStats.objects.filter(page_id=page.pk).first()
    context = {
        "stats_page": page,
        "total": getattr(page.specific, "visit_count", None) or (stats.total if stats else 0),
        "popularity": stats.popularity_at() if stats else 0.0,
        "last_30_days": sum(value for _, value in days),
        "daily_chart": bar_chart(
            days,
            day_label,
            axis_label=day_axis_label,
            title=_("Visites par jour, 30 derniers jours"),
            height=140 if compact else 180,
        ),  # fmt: skip
        "daily": days,
        "referrers": services.top_referrers(today - dt.timedelta(days=29), 10, page_id=page.pk),
        "full_url": reverse("visits_admin:page", args=[page.pk]),
    }
    if not compact:
        months = services.monthly_series(12, page_id=page.pk, today=today)
        context["monthly_chart"] = bar_chart(
            months, month_label, title=_("Visites par mois, 12 derniers mois")
        )
        context["monthly"] = months
    return context


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "visits/admin/dashboard.html"
    page_title = _("Statistiques")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        require_statistics_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        since_30 = today - dt.timedelta(days=29)
        days = services.daily_series(30, today=today)
        months = services.monthly_series(12, today=today)
        context.update(
            daily=days,
            monthly=months,
            total_30=sum(value for _, value in days),
            total_12=sum(value for _, value in months),
            today_visits=days[-1][1],
            daily_chart=bar_chart(
                days,
                day_label,
                axis_label=day_axis_label,
                title=_("Visites par jour, 30 derniers jours"),
            ),  # fmt: skip
            monthly_chart=bar_chart(
                months, month_label, title=_("Visites par mois, 12 derniers mois")
            ),  # fmt: skip
            top_pages_30=services.top_pages(since_30, 20),
            top_pages_all=services.top_pages(None, 20),
            top_sections=services.top_sections(since_30, 15),
            top_referrers=services.top_referrers(since_30, 20),
            popular=services.popular_pages(10),
        )
        return context


class PageStatisticsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "visits/admin/page.html"
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        require_statistics_permission(request)
        self.page = get_object_or_404(Page, pk=kwargs["page_id"]).specific
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Statistiques : %(title)s") % {"title": self.page.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_statistics_context(self.page))
        return context


EXPORTS = {
    "jours": ("visites-par-jour", ["jour", "visites"]),
    "pages": ("visites-par-page-et-par-jour", ["jour", "page_id", "titre", "url", "visites"]),
    "provenances": ("provenances-par-jour", ["jour", "page_id", "provenance", "visites"]),
}


def export_csv(request, kind: str):
    """Everything the retention keeps, as CSV (UTF-8 with BOM so that spreadsheets read accents)."""
    require_statistics_permission(request)
    if kind not in EXPORTS:
        raise Http404
    filename, header = EXPORTS[kind]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    from .models import DailyPageVisits, DailyReferrer, DailySiteVisits

    if kind == "jours":
        for day, visits in DailySiteVisits.objects.order_by("day").values_list("day", "visits"):
            writer.writerow([day.isoformat(), visits])
    elif kind == "pages":
        pages = dict(Page.objects.values_list("pk", "title"))
        urls = dict(Page.objects.values_list("pk", "url_path"))
        rows = DailyPageVisits.objects.order_by("day", "page_id").values_list(
            "day", "page_id", "visits"
        )
        for day, page_id, visits in rows.iterator():
            writer.writerow([day.isoformat(), page_id, _safe_cell(pages.get(page_id, "")),
                             urls.get(page_id, ""), visits])  # fmt: skip
    else:
        rows = DailyReferrer.objects.order_by("day", "page_id", "domain").values_list(
            "day", "page_id", "domain", "visits"
        )
        for day, page_id, domain, visits in rows.iterator():
            writer.writerow([day.isoformat(), page_id, _safe_cell(domain), visits])
    return response


def _safe_cell(value: str) -> str:
    """No formula injection when the CSV is opened in a spreadsheet (OWASP CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
