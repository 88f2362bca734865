"""GDPR access and erasure for comments (registered with redac.core.personal_data)."""

from redac.core.personal_data import register


def _export(email: str) -> list[dict]:
    from .models import Comment

    return [
        {"posté le": c.created_at.isoformat(), "page": c.page.title, "nom": c.author_name,
         "commentaire": c.body, "état": c.get_status_display(),
         "adresse IP": c.ip_address or "(effacée)"}
        for c in Comment.objects.for_person(email).select_related("page")
    ]  # fmt: skip


def _erase(email: str) -> int:
    from .models import Comment

    _, per_model = Comment.objects.for_person(email).delete()
    return per_model.get(Comment._meta.label, 0)


register("Commentaires", _export, _erase)
