"""The search index: one row per searchable thing (article, brève, section, author).

Rows hold the *original* texts (for result titles and highlighted snippets) plus what each database
needs to search them: on PostgreSQL a generated, weighted ``tsvector`` column (added by migration
0002, outside the model because SQLite has no such type); on SQLite a parallel FTS5 table
``redac_search_fts`` whose rowid is this row's id. See ``services.py`` for why this is not Wagtail's
search backend.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        BREVE = "breve", _("Brève")
        SECTION = "section", _("Rubrique")
        AUTHOR = "author", _("Auteur")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=600)
    # Surtitre and sous-titre: searched with the title's weight, shown apart from it.
    subtitle = models.CharField(max_length=600, blank=True)
    chapo = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Bylines and keywords: found by search, never shown in snippets.
    tags = models.TextField(blank=True)
    url = models.CharField(max_length=1000)
    date = models.DateTimeField(null=True, blank=True)
    # The page's tree path: "in this section, subsections included" is a prefix match on it.
    path = models.CharField(max_length=255, blank=True, db_index=True)
    section_title = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="redac_search_unique_object")
        ]
        indexes = [models.Index(fields=["date"], name="redac_search_date")]
        verbose_name = _("entrée de l'index de recherche")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"
