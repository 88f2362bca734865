"""What the admin's image and document choosers need to offer « insérer <img4> »."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from . import numbers


def _ids(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",")[:200] if part.strip().isdigit()]


@require_GET
def spip_numbers(request):
    """``?images=1,2&documents=5`` -> ``{"images": {"1": 4, …}, "documents": {"5": 7}}``: the
    SPIP number of each (the admin's own URL patterns require a logged-in editor)."""
    found = {}
    for name, model in (("images", get_image_model()), ("documents", get_document_model())):
        ids = _ids(request.GET.get(name, ""))
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        found[name] = {
            str(object_id): number
            for object_id, number in numbers.SpipNumber.objects.filter(
                content_type=content_type, object_id__in=ids
            ).values_list("object_id", "number")
        }  # fmt: skip
    return JsonResponse(found)
