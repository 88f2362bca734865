"""GDPR access and erasure for petition signatures (the personal-data registry)."""

from .infra import register_personal_data


def _export(email: str) -> list[dict]:
    from .models import Signature

    return [
        {"pétition": s.petition.page.title, "signée le": s.created_at.isoformat(), "nom": s.name,
         "adresse": s.email, "ville": s.city, "code postal": s.postcode, "site web": s.website,
         "message": s.message, "état": s.get_status_display(),
         "confirmée le": s.confirmed_at.isoformat() if s.confirmed_at else "",
         "consentement": s.consent_text}
        for s in Signature.objects.for_person(email).select_related("petition__page")
    ]  # fmt: skip


def _erase(email: str) -> int:
    from .models import Signature
    from .services import erase

    return erase(list(Signature.objects.for_person(email)))


register_personal_data("Signatures de pétitions", _export, _erase)
