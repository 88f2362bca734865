"""What the SPIP importer keeps besides the content itself.

- :class:`ImportRecord`: one row per imported SPIP object (``spip:article:12``), with a fingerprint
  of its source row. A re-run skips unchanged rows without touching their objects (the "no-change
  re-run is 5x faster" target) and an interrupted run resumes: each object and its record are
  committed in the same transaction.
- :class:`LegacyURL`: every old SPIP address that must keep answering (301).

Forum messages and visit history go straight into the comments and visits apps' tables (the
holding tables of the first version were dropped: migration 0002 moved their rows).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    ref = models.CharField(_("référence"), max_length=80, unique=True)  # "spip:article:12"
    digest = models.CharField(_("empreinte de la ligne source"), max_length=40)
    model = models.CharField(
        _("modèle"), max_length=60
    )  # "news.articlepage", "wagtailimages.image"
    object_id = models.BigIntegerField(_("identifiant de l'objet"), null=True)
    spip_status = models.CharField(
        _("statut SPIP"), max_length=20, blank=True,
        help_text=_("Le statut d'origine (publie, prop, prepa, refuse…) : un article refusé dans "
                    "SPIP est importé en brouillon et reste repérable ici."),
    )  # fmt: skip
    extra = models.JSONField(
        _("données SPIP sans équivalent"), default=dict, blank=True,
        help_text=_("Par exemple le descriptif et les crédits d'un document."),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("objet importé de SPIP")
        verbose_name_plural = _("objets importés de SPIP")

    def __str__(self) -> str:
        return self.ref

    @property
    def spip_kind(self) -> str:
        """``article`` for ``spip:article:12``."""
        return self.ref.split(":")[1] if self.ref.count(":") >= 2 else ""

    @property
    def spip_number(self) -> int | None:
        tail = self.ref.rsplit(":", 1)[-1]
        return int(tail) if tail.isdigit() else None

    def redac_object(self):
        """What the import made of it (any state), or None."""
        from django.apps import apps

        if self.object_id is None:
            return None
        try:
            model = apps.get_model(self.model)
        except (LookupError, ValueError):
            return None
        return model._default_manager.filter(pk=self.object_id).first()


class LegacyURL(models.Model):
    """An old SPIP address, normalised (see ``redac.spipimport.urls.legacy_keys``), and what it
    now points to.

    Why not ``wagtail.contrib.redirects.Redirect``: its ``old_path`` keeps a query string only as
    an exact string, so ``spip.php?article12``, ``spip.php?page=article&id_article=12&lang=fr`` and
    ``?article12`` would each need their own row (and parameter order would matter); and it stores
    a target page or URL fixed at import time. Here every variant is normalised to one key before
    the lookup, and the target is the SPIP reference, resolved when the request comes (so a page
    moved or renamed after the import is still found). One indexed query per candidate request;
    nothing is loaded into memory.
    """

    key = models.CharField(_("ancienne adresse (normalisée)"), max_length=500, unique=True)
    target_ref = models.CharField(_("objet visé"), max_length=80, blank=True, db_index=True)
    target_url = models.CharField(
        _("adresse visée"), max_length=1000, blank=True,
        help_text=_("Pour les articles de redirection (« virtuels ») : l'adresse externe."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("ancienne adresse SPIP")
        verbose_name_plural = _("anciennes adresses SPIP")

    def __str__(self) -> str:
        return f"{self.key} -> {self.target_ref or self.target_url}"

    @property
    def old_address(self) -> str:
        """The address as a reader typed it: ``/spip.php?article12``, ``/IMG/pdf/x.pdf``; a
        "propres" slug with its type (the markers SPIP wrapped it in vary)."""
        if self.key.startswith("slug:"):
            _slug, kind, slug = self.key.split(":", 2)
            return f"/{slug} ({kind})"
        return "/" + self.key
