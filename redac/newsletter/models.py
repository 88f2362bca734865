from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Unconfirmed addresses are erased after this delay (and their confirmation link expires).
UNCONFIRMED_RETENTION = dt.timedelta(days=7)
#: The consent text shown on the form; its version is recorded with each subscription as proof.
CONSENT_VERSION = "2026-11-v1"
CONSENT_TEXT = (
    "J'accepte de recevoir la lettre d'information par courriel. Mon adresse ne sert qu'à cet "
    "envoi ; je peux me désinscrire à tout moment par le lien présent dans chaque lettre."
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de confirmation")
        CONFIRMED = "confirmed", _("inscrit")

    email = models.EmailField(_("adresse électronique"), max_length=254, unique=True)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)  # fmt: skip
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    consent_version = models.CharField(_("version du consentement"), max_length=40)
    consent_text = models.TextField(_("texte du consentement"))
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    # Bounces (redac newsletter-bounces, RFC 3464): a permanent failure stops every send to the
    # address at once; temporary ones only after REDAC_NEWSLETTER_SOFT_BOUNCES of them.
    hard_bounced_at = models.DateTimeField(_("adresse refusée le"), null=True, blank=True)
    soft_bounces = models.PositiveIntegerField(_("échecs temporaires"), default=0)

    class Meta:
        ordering = ["email"]
        verbose_name = _("abonné")
        verbose_name_plural = _("abonnés")

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def new_unsubscribe_token() -> str:
        return secrets.token_urlsafe(32)


class NewsletterList(models.Model):
    """A list readers subscribe to (« Lettre hebdomadaire », « Communiqués », a local section's),
    each with its own double opt-in and its own sender."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True,
                            help_text=_("Sert dans l'en-tête List-Id des lettres."))  # fmt: skip
    sender_name = models.CharField(_("nom de l'expéditeur"), max_length=120, blank=True)
    sender_email = models.EmailField(
        _("adresse de l'expéditeur"), blank=True,
        help_text=_("Vide : l'adresse d'envoi du site (REDAC_DEFAULT_FROM_EMAIL). Une autre "
                    "adresse doit être autorisée par le SPF et le DMARC de son domaine."),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    public = models.BooleanField(
        _("publique"), default=True,
        help_text=_("Proposée aux lecteurs sur la page d'inscription."),
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        verbose_name = _("liste de diffusion")
        verbose_name_plural = _("listes de diffusion")

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """One address on one list, with its own double opt-in: confirming one list's request
    confirms nothing else (CNIL: consent is given per purpose)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de confirmation")
        CONFIRMED = "confirmed", _("inscrit")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE,
                                   related_name="subscriptions")  # fmt: skip
    list = models.ForeignKey(NewsletterList, on_delete=models.CASCADE,
                             related_name="subscriptions")  # fmt: skip
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)  # fmt: skip
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    consent_version = models.CharField(_("version du consentement"), max_length=40)
    consent_text = models.TextField(_("texte du consentement"))
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        _("origine"), max_length=20, default="formulaire",
        help_text=_("« formulaire » (double opt-in sur le site) ou « import » (liste importée, "
                    "consentement attesté par la personne qui l'a importée)."),
    )  # fmt: skip

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "list"],
                                               name="newsletter_one_subscription_per_list")]  # fmt: skip
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.list}"

    def new_confirm_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.confirm_token_hash = hash_token(token)
        self.confirm_sent_at = timezone.now()
        return token


class Letter(models.Model):
    """One letter to one list: an editorial and chosen articles and brèves.

    ``draft`` -> ``scheduled`` (at ``scheduled_at``) -> ``sending`` (the delivery rows exist)
    -> ``sent``; ``sending`` <-> ``paused``; ``cancelled`` from any state before ``sent``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SCHEDULED = "scheduled", _("programmée")
        SENDING = "sending", _("en cours d'envoi")
        PAUSED = "paused", _("en pause")
        SENT = "sent", _("envoyée")
        CANCELLED = "cancelled", _("annulée")

    list = models.ForeignKey(NewsletterList, on_delete=models.PROTECT, related_name="letters",
                             verbose_name=_("liste"))  # fmt: skip
    subject = models.CharField(_("objet"), max_length=200)
    editorial = models.TextField(_("éditorial"), blank=True)
    items = models.ManyToManyField("wagtailcore.Page", through="LetterItem", blank=True,
                                   verbose_name=_("articles et brèves"))  # fmt: skip
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)  # fmt: skip
    scheduled_at = models.DateTimeField(_("envoi programmé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("envoi terminé le"), null=True, blank=True)
    # The sender's lease on this letter: one batch at a time, even when a new background worker
    # takes over while the previous one is still finishing a batch.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("send_letter", "Peut écrire et envoyer les lettres d'information")]
        verbose_name = _("lettre")
        verbose_name_plural = _("lettres")

    def __str__(self) -> str:
        return self.subject


class LetterItem(models.Model):
    """An article or a brève in a letter, in the letter's order."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="letter_items")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]


class Delivery(models.Model):
    """One letter to one subscriber: the send table (no stored bodies: each mail is rendered when
    it is sent). Rows are created, all at once, when the send starts; the ``Message-ID`` is fixed
    then, so a resend after a crash carries the same one (see redac.newsletter.sending)."""

    class State(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        SENT = "sent", _("envoyée")
        FAILED = "failed", _("échec")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    message_id = models.CharField(max_length=200)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["letter", "subscriber"],
                                               name="newsletter_one_delivery_per_recipient")]  # fmt: skip
        indexes = [models.Index(fields=["letter", "state"])]
