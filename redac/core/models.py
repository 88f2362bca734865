"""Site-wide settings, the mixins every public page type shares, and the tables of core's services
(the job lease, spent form stamps, the mail outbox)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """Who the site belongs to, shown in every page's header and footer."""

    name = models.CharField(
        _("nom du site"), max_length=120, default="redac",
        help_text=_("Le nom de l'organisation ou du journal, affiché en tête de chaque page."),
    )  # fmt: skip
    tagline = models.TextField(
        _("présentation"), blank=True, max_length=600,
        help_text=_("Un paragraphe qui dit qui vous êtes, affiché sous le nom du site."),
    )  # fmt: skip
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("logo"),
    )  # fmt: skip
    contact_email = models.EmailField(
        _("adresse de contact"), blank=True,
        help_text=_("L'adresse publique pour écrire au site : affichée en pied de page, et "
                    "adresse de réponse des courriels que le site envoie."),
    )  # fmt: skip
    contact_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("page de contact"),
        help_text=_("Cible du lien « Contactez-nous ! » en pied de page."),
    )  # fmt: skip
    legal_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("mentions légales"),
        help_text=_("Page des mentions légales (obligatoires pour un site français)."),
    )  # fmt: skip

    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("tagline"), FieldPanel("logo")],
                        heading=_("Identité")),
        MultiFieldPanel([FieldPanel("contact_email"), FieldPanel("contact_page"),
                         FieldPanel("legal_page")], heading=_("Contact et pages de service")),
    ]  # fmt: skip

    class Meta:
        verbose_name = _("identité du site")
        verbose_name_plural = _("identité du site")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def base_queryset(cls):
        # Every page's footer reads contact_page.live and legal_page.live: fetch them with it.
        return super().base_queryset().select_related("contact_page", "legal_page", "logo")

    @classmethod
    def remembered(cls, site):
        """The site's identity as this worker remembers it (shared: do not modify it)."""
        from .remembered import site_wide

        return site_wide(f"site_identity:{site.pk}", lambda: cls.for_site(site))

    @classmethod
    def for_request(cls, request):
        """The site's identity, read once per worker until the next invalidation (saving it
        invalidates every page: redac.core.invalidation), each request getting its own copy."""
        import copy

        from wagtail.models import Site

        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        identity = copy.copy(cls.remembered(site))
        identity._request = request
        setattr(request, attr_name, identity)
        return identity


class VisitCounterMixin(models.Model):
    """The number of visits a page has had (SPIP's ``visites``), fed by the visits app and carried
    over from SPIP by the importer. Updated with SQL increments only, never read-modify-write."""

    visit_count = models.PositiveIntegerField(
        _("visites"), default=0, editable=False,
        help_text=_("Nombre de visites, compté sans cookie."),
    )  # fmt: skip

    class Meta:
        abstract = True


class ImportRefMixin(models.Model):
    """Where an imported object came from ("spip:article:12", "demo:flash:1"), so that running an
    import (or ``redac demo``) again updates the object instead of creating it twice."""

    import_ref = models.CharField(
        _("référence d'import"), max_length=80, null=True, blank=True, unique=True,
        editable=False,
    )  # fmt: skip

    class Meta:
        abstract = True


class WorkerLease(models.Model):
    """Which background worker currently runs the periodic jobs (see ``redac.core.jobs``)."""

    name = models.CharField(max_length=50, primary_key=True)
    owner = models.CharField(max_length=100)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("bail du processus de fond")

    def __str__(self) -> str:
        return f"{self.name} → {self.owner}"

    @classmethod
    def acquire(cls, name: str, owner: str, ttl: float, now=None) -> bool:
        """Take or renew the lease: true when ``owner`` holds it for the next ``ttl`` seconds.

        One conditional UPDATE (or the first INSERT), so two workers can never both win."""
        import datetime as dt

        from django.db import IntegrityError, transaction
        from django.utils import timezone

        now = now or timezone.now()
        expires = now + dt.timedelta(seconds=ttl)
        updated = (
            cls.objects.filter(name=name)
            .filter(models.Q(owner=owner) | models.Q(expires_at__lt=now))
            .update(owner=owner, expires_at=expires)
        )
        if updated:
            return True
        if cls.objects.filter(name=name).exists():
            return False
        try:
            with transaction.atomic():
                cls.objects.create(name=name, owner=owner, expires_at=expires)
        except IntegrityError:
            return False
        return True

    @classmethod
    def release(cls, name: str, owner: str) -> None:
        cls.objects.filter(name=name, owner=owner).delete()


class UsedFormStamp(models.Model):
    """The nonce of an anti-spam form stamp already spent by a post (redac.core.lib.antispam:
    one stamp, one post), kept until the stamp expires, then purged by a job."""

    nonce = models.CharField(max_length=32, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)


def new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "redac.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


class OutgoingMail(models.Model):
    """One e-mail to send, with its delivery state (the outbox of :mod:`redac.core.mail`, shared
    by contact messages, comment notifications, newsletter confirmations and workflow notices).

    States: ``pending`` -> ``sending`` (claimed by one worker with a claim token) -> ``sent``; on a
    temporary failure ``failed`` with ``next_attempt_at`` (exponential backoff), then claimed
    again; ``abandoned`` only on a permanent refusal (5xx) or after ``MAX_AGE``. The
    ``message_id`` is fixed at creation so that the rare resend after a crash between "the server
    accepted it" and "we marked it sent" carries the same ``Message-ID`` and can be de-duplicated
    by the receiving side (see redac.core.mail.send_pending_mail).

    ``kind`` names what the mail is about and ``source_id`` which one (for ``kind="contact"``,
    the contact message): core knows no feature app, so the app that queues a mail about one of
    its objects finds and deletes its mails through these two. The table kept the name it had in
    the contact app (``contact_outgoingmail``), and the column its name (``contact_message_id``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        FAILED = "failed", _("échec, nouvel essai prévu")
        SENT = "sent", _("envoyé")
        ABANDONED = "abandoned", _("abandonné")

    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    kind = models.CharField(_("type"), max_length=40, default="contact")
    to = models.TextField(_("destinataires"), max_length=2000)
    reply_to = models.EmailField(_("répondre à"), blank=True, max_length=254)
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True,
                                  default=new_message_id)  # fmt: skip
    status = models.CharField(_("état"), max_length=20, choices=Status.choices,
                              default=Status.PENDING)  # fmt: skip
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    source_id = models.BigIntegerField(null=True, blank=True, db_index=True,
                                       db_column="contact_message_id")  # fmt: skip

    MAX_AGE = dt.timedelta(days=7)

    class Meta:
        db_table = "contact_outgoingmail"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"],
                                name="contact_out_status_a9b47c_idx")]  # fmt: skip
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to} ({self.get_status_display()})"
