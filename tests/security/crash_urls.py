"""The site's URLs plus one view that fails, to see what a reader gets from an unexpected error."""

from django.urls import path

from redac.urls import handler404, handler500  # noqa: F401
from redac.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("boom: SECRET_KEY=should-never-be-shown")


urlpatterns = [path("boom/", crash), *site_urlpatterns]
