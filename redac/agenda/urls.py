from django.urls import re_path

from . import views

app_name = "agenda"
# Under any agenda address: the page's own address, then an optional filter (rubrique/<slug>/,
# mot/<slug>/). Wagtail's page routes take no dots, hence Django routes (redac.agenda.views).
_PREFIX = r"(?P<prefix>(?:[\w\-]+/)+)"
urlpatterns = [
    re_path(rf"^{_PREFIX}agenda\.ics$", views.agenda_ics, name="ics"),
    re_path(rf"^{_PREFIX}rss\.xml$", views.agenda_rss, name="rss"),
    re_path(rf"^{_PREFIX}atom\.xml$", views.agenda_atom, name="atom"),
    re_path(rf"^{_PREFIX}evenement-(?P<pk>[0-9]+)\.ics$", views.event_ics, name="event_ics"),
]
