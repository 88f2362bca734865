"""A petition on an article and its signatures.

Signers' data is special-category data under GDPR art. 9 (political opinions): their addresses
are never public, unconfirmed signatures are purged after :data:`UNCONFIRMED_RETENTION`, confirmed
ones ``REDAC_PETITION_RETENTION_DAYS`` after the petition closes (docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from redac.core.models import ImportRefMixin

#: An unconfirmed signature (and its confirmation link) lives this long, then is erased.
UNCONFIRMED_RETENTION = dt.timedelta(days=7)
MESSAGE_MAX_LENGTH = 1000


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def website_key(url: str) -> str:
    """What makes two websites the same for « une signature par site » : host without ``www.``
    and path without trailing slash, case folded, scheme ignored."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower()[:255] if host else ""


class PetitionQuerySet(models.QuerySet):
    def on_live_pages(self):
        return self.filter(page__live=True)


class Petition(ImportRefMixin, models.Model):
    """SPIP's petition: attached to one article, with SPIP's options."""

    page = models.OneToOneField(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="petition",
        verbose_name=_("article"),
        help_text=_("La pétition s'affiche sous le texte de cet article."),
    )  # fmt: skip
    text = models.TextField(
        _("texte de la pétition"), max_length=10_000,
        help_text=_("Ce que les signataires demandent, affiché au-dessus du formulaire."),
    )  # fmt: skip
    goal = models.PositiveIntegerField(
        _("objectif"), null=True, blank=True,
        help_text=_("Nombre de signatures visé (barre de progression) ; facultatif."),
    )  # fmt: skip
    opens_at = models.DateTimeField(
        _("ouverture"), null=True, blank=True,
        help_text=_("Vide : ouverte dès la publication de l'article."),
    )  # fmt: skip
    closes_at = models.DateTimeField(
        _("clôture"), null=True, blank=True, help_text=_("Vide : pas de date de clôture."),
    )  # fmt: skip
    one_per_email = models.BooleanField(
        _("une signature par adresse électronique"), default=True,
    )  # fmt: skip
    website_required = models.BooleanField(_("site web obligatoire"), default=False)
    one_per_website = models.BooleanField(_("une signature par site web"), default=False)
    message_allowed = models.BooleanField(_("message des signataires autorisé"), default=False)
    list_public = models.BooleanField(
        _("liste des signataires publique"), default=False,
        help_text=_("Nom, ville et message (jamais l'adresse électronique) des signataires "
                    "confirmés, page par page."),
    )  # fmt: skip
    close_during_silence = models.BooleanField(
        _("fermer pendant la réserve électorale"), default=False,
        help_text=_("Le formulaire est fermé pendant la période de réserve électorale."),
    )  # fmt: skip
    #: The confirmed signatures, kept exact by the confirming and removing transactions.
    signature_count = models.PositiveIntegerField(_("signatures confirmées"), default=0,
                                                  editable=False)  # fmt: skip
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    objects = PetitionQuerySet.as_manager()

    panels = [
        FieldPanel("page"),
        FieldPanel("text"),
        FieldPanel("goal"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        MultiFieldPanel(
            [FieldPanel("one_per_email"), FieldPanel("website_required"),
             FieldPanel("one_per_website"), FieldPanel("message_allowed"),
             FieldPanel("list_public"), FieldPanel("close_during_silence")],
            heading=_("Options"),
        ),
    ]  # fmt: skip

    class Meta:
        verbose_name = _("pétition")
        verbose_name_plural = _("pétitions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.page.title) if self.page_id else "pétition"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("La clôture doit suivre l'ouverture.")})

    def is_open(self, now=None) -> bool:
        """Whether readers may sign now (the silence is checked by the services: it needs the
        site)."""
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    @property
    def progress_percent(self) -> int:
        if not self.goal:
            return 0
        return min(100, self.signature_count * 100 // self.goal)


class SignatureQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Signature.Status.CONFIRMED)

    def public(self):
        """The one definition of what the public list shows: confirmed signatures."""
        return self.confirmed().order_by("-confirmed_at", "-pk")

    def for_person(self, email: str):
        return self.filter(email__iexact=email.strip())


class Signature(models.Model):
    class Status(models.TextChoices):
        TO_CONFIRM = "to_confirm", _("à confirmer")
        CONFIRMED = "confirmed", _("confirmée")
        REMOVED = "removed", _("retirée")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures",
                                 verbose_name=_("pétition"))  # fmt: skip
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse électronique"), max_length=254, blank=True)
    #: The address's domain, for the bounds per domain over time.
    email_domain = models.CharField(max_length=254, blank=True, editable=False)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    postcode = models.CharField(_("code postal"), max_length=12, blank=True)
    website = models.URLField(_("site web"), max_length=500, blank=True)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    message_hidden = models.BooleanField(_("message masqué par la modération"), default=False)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.TO_CONFIRM)  # fmt: skip
    consent_text = models.TextField(_("texte du consentement"), blank=True)
    consented_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(_("signée le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    last_mail_at = models.DateTimeField(_("dernier courriel envoyé le"), null=True, blank=True)
    imported = models.BooleanField(_("importée"), default=False)
    #: When an imported signature (which has no consent record) came in: its retention runs
    #: from here.
    imported_at = models.DateTimeField(_("importée le"), null=True, blank=True)
    import_ref = models.CharField(max_length=80, null=True, blank=True, unique=True,
                                  editable=False)  # fmt: skip
    #: « Une signature par adresse / par site » as unique keys: the address (or the site's
    #: :func:`website_key`) when the petition's option asks for it, else NULL, which never
    #: collides. Two signers racing with one address: the database lets one through.
    email_key = models.CharField(max_length=254, null=True, blank=True, editable=False)
    website_key = models.CharField(max_length=255, null=True, blank=True, editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        indexes = [
            models.Index(fields=["petition", "status", "confirmed_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["email_domain", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["petition", "email_key"],
                                    name="petitions_one_signature_per_email"),
            models.UniqueConstraint(fields=["petition", "website_key"],
                                    name="petitions_one_signature_per_website"),
        ]  # fmt: skip
        permissions = [
            ("view_signer_data", _("Voir les données des signataires (adresses, export CSV)")),
            ("moderate_signature", _("Modérer les signatures et leurs messages")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    def new_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token

    @property
    def shown_message(self) -> str:
        return "" if self.message_hidden else self.message


def raise_count(petition_id: int, by: int) -> None:
    """Move the confirmed count in the caller's transaction (an UPDATE ... SET n = n + by: two
    confirmations at once both count)."""
    if by:
        Petition.objects.filter(pk=petition_id).update(signature_count=F("signature_count") + by)
