"""Everything redac holds about one e-mail address, for GDPR access (art. 15) and erasure (art. 17).

Each app that stores personal data keyed by an address registers a provider here (in its
``AppConfig.ready()``), so that the admin's « Données d'une personne » page covers them all
(docs/privacy.md lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Provider:
    label: str
    export: Callable[[str], list[dict]]
    erase: Callable[[str], int]


PROVIDERS: list[Provider] = []


def register(label: str, export: Callable[[str], list[dict]], erase: Callable[[str], int]) -> None:
    if all(p.label != label for p in PROVIDERS):
        PROVIDERS.append(Provider(label, export, erase))


def export(email: str) -> dict[str, list[dict]]:
    return {provider.label: provider.export(email) for provider in PROVIDERS}


@transaction.atomic
def erase(email: str) -> dict[str, int]:
    return {provider.label: provider.erase(email) for provider in PROVIDERS}
