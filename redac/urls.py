from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views import serve as wagtaildocs_serve

from redac.core import media as core_media
from redac.core import views as core_views
from redac.newsroom.page_types import NewsroomAddSubpageView
from redac.newsroom.security import throttled_password_view

urlpatterns = [
    # Before Wagtail's own route: the image preview with bounded filter specs (security case 42).
    path(
        "admin/images/<int:image_id>/preview/<str:filter_spec>/", core_media.bounded_image_preview
    ),
    # Before Wagtail's own route: only the page types that are the person's to create
    # (redac/newsroom/page_types.py).
    path(
        "admin/pages/<int:parent_page_id>/add_subpage/",
        require_admin_access(NewsroomAddSubpageView.as_view()),
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Before Wagtail's own routes: page and collection passwords are throttled like the logins
    # (issue 15, item 8; redac/newsroom/security.py).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        throttled_password_view(wagtail_views.authenticate_with_password, "page"),
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        throttled_password_view(wagtaildocs_serve.authenticate_with_password, "documents"),
        name="wagtaildocs_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("api/visits/", include("redac.visits.urls")),
    # Public renditions only; originals for editors only (redac/core/media.py, security case 29).
    path("media/images/<path:path>", core_media.rendition),
    path("media/original_images/<path:path>", core_media.original_image),
    path("", include("redac.news.urls")),
    path("", include("redac.search.urls")),  # issue 7: /recherche/
    path("", include("redac.delivery.urls")),
    path("", include("redac.comments.urls")),  # issue 8: reader comments
    path("", include("redac.newsletter.urls")),  # issue 8: newsletter sign-up
    path("", include("redac.petitions.urls")),  # issue 20: petitions
    path("", include("redac.agenda.urls")),  # issue 21: agenda.ics, rss.xml, evenement-<n>.ics
]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = core_views.page_not_found
handler500 = core_views.server_error
