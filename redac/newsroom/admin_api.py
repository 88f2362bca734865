"""The admin API's image and document endpoints, limited to what the user may choose.

Wagtail's admin API (``/admin/api/main/images/`` and ``/admin/api/main/documents/``) hides only the
collections that carry a reader-facing view restriction: any user with admin access could list,
search and read every image and document of every collection, including those their group may not
use — a source's portrait in a « Sources » collection, for instance (security case 52, the class of
Wagtail CVE-2026-44201/54259/54261, found by redac/newsroom/tests/test_restricted_collections.py).
These endpoints apply the choosers' rule: the items of the collections where the user has the
« choose » permission. Wagtail's own endpoints are replaced under the same names.
"""

from __future__ import annotations

from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry


class ChoosableOnly:
    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        choosable = policy.instances_user_has_any_permission_for(self.request.user, ["choose"])
        return super().get_queryset().filter(pk__in=choosable.values("pk"))


class ChoosableImagesAPIViewSet(ChoosableOnly, ImagesAdminAPIViewSet):
    pass


class ChoosableDocumentsAPIViewSet(ChoosableOnly, DocumentsAdminAPIViewSet):
    pass


def replace_endpoints(router) -> None:
    router.register_endpoint("images", ChoosableImagesAPIViewSet)
    router.register_endpoint("documents", ChoosableDocumentsAPIViewSet)
