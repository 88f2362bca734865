"""SPIP's petitions (``spip_petitions``) and signatures (``spip_signatures``) as petitions and
confirmed signatures, from the rows the importer's reader hands over (plain mappings of column
names to values, as SPIP stores them).

What SPIP stores, and what becomes of it:
- ``spip_petitions``: ``id_petition`` (SPIP ≥ 2; SPIP 1.9 keys petitions by ``id_article``),
  ``id_article``, the options ``email_unique``, ``site_obli``, ``site_unique``, ``message``
  (``"oui"``/``"non"``), ``texte``. SPIP has no goal, no dates and no public-list option: the
  list stays private (an editor opens it knowingly), the petition open.
- ``spip_signatures``: ``id_signature``, ``id_petition`` (``id_article`` in SPIP 1.9),
  ``date_time``, ``nom_email``, ``ad_email``, ``nom_site``, ``url_site``, ``message``,
  ``statut``: ``publie`` is a confirmed signature and is imported (``imported``, with the time of
  the import, from which its retention runs: there is no consent record); ``poubelle`` (trashed)
  and anything else (SPIP keeps the confirmation key of an unconfirmed signature in ``statut``)
  are counted in the report, never imported.

Idempotent on ``import_ref`` (``spip:petition:N``, ``spip:signature:N``): a re-run updates the
petitions and adds only the signatures not imported yet. Old petition addresses need nothing of
their own: SPIP shows a petition on its article's page (``spip.php?article12``), which the legacy
URL middleware already redirects to the article, where the petition now is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from redac.core.lib.usertext import clean_user_text

from .models import MESSAGE_MAX_LENGTH, Petition, Signature, raise_count, website_key


def _yes(value) -> bool:
    return str(value or "").strip().lower() == "oui"


def _petition_id(row: Mapping) -> int:
    return int(row.get("id_petition") or row.get("id_article") or 0)


def _line(value, limit: int) -> str:
    return " ".join(clean_user_text(str(value or ""), single_line=True).split())[:limit]


def _email(value) -> str:
    email = _line(value, 254).lower()
    if not email or not email.isascii():
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _url(value) -> str:
    url = _line(value, 500)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


@transaction.atomic
def import_spip_petitions(petitions: Iterable[Mapping], signatures: Iterable[Mapping],
                          pages_by_article: Mapping[int, object], now=None) -> dict:  # fmt: skip
    """Create or update the petitions and import the confirmed signatures. ``pages_by_article``
    maps SPIP article numbers to the imported ArticlePages. Returns the report's numbers:
    ``petitions``, ``signatures`` (imported), and what was left out, by reason."""
    now = now or timezone.now()
    report = {"petitions": 0, "signatures": 0, "unconfirmed": 0, "trashed": 0,
              "without_article": 0, "duplicates": 0}  # fmt: skip
    by_spip_id: dict[int, Petition] = {}
    article_of: dict[int, int] = {}
    for row in petitions:
        spip_id, article = _petition_id(row), int(row.get("id_article") or 0)
        page = pages_by_article.get(article)
        if page is None or str(row.get("statut", "")).strip() == "poubelle":
            report["without_article"] += page is None
            continue
        petition, _created = Petition.objects.update_or_create(
            page=page,
            defaults={"import_ref": f"spip:petition:{spip_id}",
                      "text": clean_user_text(str(row.get("texte") or ""))[:10_000],
                      "one_per_email": _yes(row.get("email_unique")),
                      "website_required": _yes(row.get("site_obli")),
                      "one_per_website": _yes(row.get("site_unique")),
                      "message_allowed": _yes(row.get("message"))},
        )  # fmt: skip
        by_spip_id[spip_id] = petition
        article_of[article] = spip_id
        report["petitions"] += 1
    done = set(Signature.objects.filter(import_ref__startswith="spip:signature:")
               .values_list("import_ref", flat=True))  # fmt: skip
    taken = {(petition_id, key) for petition_id, key in Signature.objects.filter(
        petition__in=list(by_spip_id.values())).values_list("petition_id", "email_key") if key}  # fmt: skip
    new = []
    for row in signatures:
        statut = str(row.get("statut") or "").strip()
        if statut == "poubelle":
            report["trashed"] += 1
            continue
        if statut != "publie":
            report["unconfirmed"] += 1
            continue
        spip_id = int(row.get("id_petition") or 0) or article_of.get(
            int(row.get("id_article") or 0), 0
        )
        petition = by_spip_id.get(spip_id)
        ref = f"spip:signature:{int(row['id_signature'])}"
        if petition is None or ref in done:
            report["without_article"] += petition is None
            continue
        email = _email(row.get("ad_email"))
        email_key = email if petition.one_per_email and email else None
        if email_key and (petition.pk, email_key) in taken:
            report["duplicates"] += 1
            continue
        if email_key:
            taken.add((petition.pk, email_key))
        website = _url(row.get("url_site"))
        signed_at = row.get("date_time") or now
        new.append(Signature(
            petition=petition, import_ref=ref, status=Signature.Status.CONFIRMED,
            name=_line(row.get("nom_email"), 120) or "Anonyme", email=email,
            email_domain=email.rsplit("@", 1)[-1] if email else "", website=website,
            message=clean_user_text(str(row.get("message") or ""))[:MESSAGE_MAX_LENGTH],
            created_at=signed_at, confirmed_at=signed_at, imported=True, imported_at=now,
            email_key=email_key,
            website_key=(website_key(website) or None) if petition.one_per_website else None,
        ))  # fmt: skip
    # two imported signatures of one site where SPIP let them through: keep the first
    seen_sites = set(Signature.objects.filter(petition__in=list(by_spip_id.values()))
                     .exclude(website_key=None).values_list("petition_id", "website_key"))  # fmt: skip
    kept = []
    for signature in new:
        if signature.website_key and (signature.petition.pk, signature.website_key) in seen_sites:
            report["duplicates"] += 1
            continue
        if signature.website_key:
            seen_sites.add((signature.petition.pk, signature.website_key))
        kept.append(signature)
    Signature.objects.bulk_create(kept, batch_size=500)
    report["signatures"] = len(kept)
    added: dict[int, int] = {}
    for signature in kept:
        added[signature.petition.pk] = added.get(signature.petition.pk, 0) + 1
    for petition_id, count in added.items():
        raise_count(petition_id, count)  # a re-run adds only what it imported
    return report
