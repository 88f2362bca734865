"""Reader comments and their moderation states."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redac.core.models import ImportRefMixin

#: French hosting law (LCEN art. 6 and décret 2021-1362): the data identifying who posted content
#: (here the IP address) is kept one year for judicial requests, then erased. Never shown.
IP_RETENTION = dt.timedelta(days=365)
BODY_MAX_LENGTH = 5000


class CommentQuerySet(models.QuerySet):
    def published(self):
        """The one definition of the comments readers may see."""
        return self.filter(status=Comment.Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_person(self, email: str):
        return self.filter(author_email__iexact=email.strip())


class Comment(ImportRefMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de modération")
        PUBLISHED = "published", _("Publié")
        REJECTED = "rejected", _("Refusé")
        SPAM = "spam", _("Indésirable")

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="reader_comments",
        verbose_name=_("page"),
    )  # fmt: skip
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="replies", verbose_name=_("en réponse à"))  # fmt: skip
    author_name = models.CharField(_("nom affiché"), max_length=80)
    author_email = models.EmailField(
        _("adresse électronique"), blank=True, max_length=254,
        help_text=_("Facultative, jamais affichée ; sert à retrouver ses commentaires (RGPD)."),
    )  # fmt: skip
    body = models.TextField(_("commentaire"), max_length=BODY_MAX_LENGTH)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)  # fmt: skip
    created_at = models.DateTimeField(_("posté le"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("modéré par"),
    )  # fmt: skip
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True,
                                              editable=False)  # fmt: skip

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["page", "status", "created_at"])]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")

    @property
    def spip_anchor(self) -> str:
        """``forum12`` for a message imported from SPIP's forum 12: old links to
        ``article3.html#forum12`` still land on it (beside redac's ``#commentaire-N``)."""
        ref = self.import_ref or ""
        return "forum" + ref.rsplit(":", 1)[1] if ref.startswith("spip:forum:") else ""

    def __str__(self) -> str:
        return f"{self.author_name} : {self.body[:40]}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @staticmethod
    def shown_count_sql(page_column: str) -> tuple[str, list[str]]:
        """:func:`shown_count_sql`, for the listings of ``redac.news``, which sits below comments
        and reaches it through the app registry (``apps.get_model("comments", "Comment")``)."""
        return shown_count_sql(page_column)


def shown_count_sql(page_column: str) -> tuple[str, list[str]]:
    """SQL and its parameters for the number of comments readers see on the page whose id is
    ``page_column`` (a quoted column of the outer query, or ``%s``): the published comments
    reachable from a published top-level comment through published replies only, at any depth,
    as :func:`redac.comments.services.published_threads` shows them. A recursive CTE, which
    SQLite and PostgreSQL both run correlated; a cycle of imported replies is never reachable
    from a top-level comment, so the recursion ends. Nothing of a request goes into the SQL
    text: the table and column are the models' own names."""
    table = Comment._meta.db_table
    sql = (
        f"(WITH RECURSIVE shown(id) AS ("  # noqa: S608 (names of the models, no input)
        f"SELECT c.id FROM {table} c WHERE c.page_id = {page_column} AND c.parent_id IS NULL "
        f"AND c.status = %s "
        f"UNION ALL SELECT r.id FROM {table} r JOIN shown ON r.parent_id = shown.id "
        f"WHERE r.status = %s) SELECT COUNT(*) FROM shown)"
    )
    return sql, [Comment.Status.PUBLISHED.value] * 2
