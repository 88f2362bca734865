"""What the SPIP importer keeps besides the content itself.

- :class:`ImportRecord`: one row per imported SPIP object (``spip:article:12``), with a fingerprint
  of its source row. A re-run skips unchanged rows without touching their objects (the "no-change
  re-run is 5x faster" target) and an interrupted run resumes: each object and its record are
  committed in the same transaction.
- :class:`LegacyURL`: every old SPIP address that must keep answering (301).
- :class:`ImportedForumMessage`, :class:`ImportedVisitDay`, :class:`ImportedReferrer`: holding
  tables for what the comments app (issue 8) and the visits app (issue 5) will take over.
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


class ImportedForumMessage(models.Model):
    """A SPIP forum message, waiting for the comments app (issue 8) to take it over.

    SPIP stores the poster's IP address (``spip_forum.ip``); it is deliberately NOT imported: it
    is personal data with no use once moderation is over, and keeping it years later would breach
    the GDPR's storage limitation principle (CNIL recommends a few months at most).
    """

    spip_id = models.PositiveIntegerField(_("numéro SPIP"), unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies",
        verbose_name=_("réponse à"),
    )  # fmt: skip
    thread_spip_id = models.PositiveIntegerField(_("fil de discussion"), default=0)
    object_ref = models.CharField(_("objet commenté"), max_length=80, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("page"),
    )  # fmt: skip
    date = models.DateTimeField(_("date"), null=True)
    title = models.CharField(_("titre"), max_length=255, blank=True)
    text = models.TextField(_("texte (raccourcis SPIP)"), blank=True)
    author_name = models.CharField(_("nom"), max_length=255, blank=True)
    author_email = models.EmailField(_("courriel"), max_length=255, blank=True)
    author_url = models.URLField(_("site web"), max_length=1000, blank=True)
    author_site_name = models.CharField(_("nom du site"), max_length=255, blank=True)
    author = models.ForeignKey(
        "news.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("statut SPIP"), max_length=20,
        help_text=_("publie (publié), prop (à modérer), off (supprimé), spam, privrac/privadm "
                    "(forums privés)."),
    )  # fmt: skip

    class Meta:
        ordering = ["date", "spip_id"]
        verbose_name = _("message de forum importé")
        verbose_name_plural = _("messages de forum importés")

    def __str__(self) -> str:
        return f"{self.spip_id}: {self.title}"


class ImportedVisitDay(models.Model):
    """SPIP's daily visit series (``spip_visites`` for the site, ``spip_visites_articles``)."""

    object_ref = models.CharField(_("objet"), max_length=80)  # "spip:site:0", "spip:article:12"
    date = models.DateField(_("jour"))
    visits = models.PositiveIntegerField(_("visites"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_ref", "date"], name="spipimport_visit_day_uniq")
        ]
        verbose_name = _("visites d'un jour (SPIP)")
        verbose_name_plural = _("visites par jour (SPIP)")


class ImportedReferrer(models.Model):
    """SPIP's referrer tallies (``spip_referers``, ``spip_referers_articles``)."""

    object_ref = models.CharField(_("objet"), max_length=80)
    url = models.CharField(_("site d'origine"), max_length=255)
    visits = models.PositiveIntegerField(_("visites"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_ref", "url"], name="spipimport_referrer_uniq")
        ]
        verbose_name = _("lien entrant (SPIP)")
        verbose_name_plural = _("liens entrants (SPIP)")
