"""GDPR access and erasure for newsletter subscriptions (registered with redac.core.personal_data)."""

from redac.core.personal_data import register


def _export(email: str) -> list[dict]:
    from .models import Subscriber

    return [
        {"adresse": s.email, "état": s.get_status_display(), "demandé le": s.created_at.isoformat(),
         "confirmé le": s.confirmed_at.isoformat() if s.confirmed_at else "",
         "consentement": f"{s.consent_version} : {s.consent_text}",
         "listes": [f"{sub.list.name} ({sub.get_status_display()}, consentement "
                    f"{sub.consent_version} du {sub.created_at.date().isoformat()})"
                    for sub in s.subscriptions.select_related("list")]}
        for s in Subscriber.objects.filter(email__iexact=email.strip())
    ]  # fmt: skip


def _erase(email: str) -> int:
    from .models import Subscriber

    count, _ = Subscriber.objects.filter(email__iexact=email.strip()).delete()
    return count


register("Lettre d'information", _export, _erase)
