"""SPIP numbers: every article, brève, section and document has one, as in SPIP (« Article n° 19 »).

Editors who come from SPIP write ``[->article19]``, ``[->breve3]``, ``[->rubrique2]``, ``<img4>``,
``<doc4>``, ``<emb4>``: those shortcuts name objects by their number, so the numbers must exist for
content made in redac too, and never change or be given twice:

- an object imported from SPIP keeps its SPIP number (the importer claims it: :func:`claim`);
- a new object takes the highest number ever given for its kind + 1 (:func:`allocate`), never a
  number that was given before, even to an object deleted since (the counter only grows);
- images and documents share one numbering, as in SPIP's ``spip_documents``: ``<img4>``,
  ``<doc4>`` and ``<emb4>`` name the same document 4, whether it is an image or a PDF;
- while a SPIP site is still being re-synced into redac, the importer reserves the numbers above
  the site's highest ones (:func:`reserve`, ``redac import-spip --reserve``): new redac objects
  are numbered above the reserved range, so SPIP's new objects keep their own numbers when they
  come in. A SPIP object whose number a redac object already holds is a collision: the importer
  reports it and never merges the two (:func:`holder`).

Allocation is safe under concurrency on both databases: the counter row is locked for the
transaction (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
writers), and ``(kind, number)`` is unique in the table as a last guard.

Why a table and not a field on each model: images and documents are Wagtail's own models, and one
numbering spans two of them; a table also lets the resolver find any object by its number in one
indexed query.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    BREVE = "breve", _("Brève")
    RUBRIQUE = "rubrique", _("Rubrique")
    DOCUMENT = "document", _("Document")


#: How the admin names a number (« Article n° 19 »).
LABELS = {
    Kind.ARTICLE: _("Article n° %(number)s"),
    Kind.BREVE: _("Brève n° %(number)s"),
    Kind.RUBRIQUE: _("Rubrique n° %(number)s"),
    Kind.DOCUMENT: _("Document n° %(number)s"),
}


class NumberCollision(Exception):
    """A number claimed for an object is held by another one."""

    def __init__(self, kind: str, number: int, held_by) -> None:
        super().__init__(f"{kind} {number} is held by {held_by!r}")
        self.kind, self.number, self.held_by = kind, number, held_by


class SpipNumberCounter(models.Model):
    """The highest number ever given for a kind, and the range reserved for a SPIP site."""

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, primary_key=True)
    last = models.PositiveBigIntegerField(_("plus grand numéro donné"), default=0)
    reserved_until = models.PositiveBigIntegerField(
        _("réservé jusqu'à"), default=0,
        help_text=_("Les numéros jusqu'à celui-ci restent au site SPIP en cours de reprise : les "
                    "nouveaux contenus de redac sont numérotés au-delà."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("compteur de numéros SPIP")
        verbose_name_plural = _("compteurs de numéros SPIP")

    def __str__(self) -> str:
        return f"{self.kind}: {self.last}"


class SpipNumber(models.Model):
    """The number of one object (a page, an image or a document)."""

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    number = models.PositiveBigIntegerField(_("numéro"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    from_spip = models.BooleanField(
        _("numéro repris de SPIP"), default=False,
        help_text=_("Vrai pour un objet importé de SPIP : il garde le numéro qu'il y avait."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("attribué le"), auto_now_add=True)

    class Meta:
        verbose_name = _("numéro SPIP")
        verbose_name_plural = _("numéros SPIP")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="spip_number_unique"),
            models.UniqueConstraint(fields=["content_type", "object_id"],
                                    name="spip_number_one_per_object"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return str(LABELS[self.kind] % {"number": self.number})


# --- what each kind is ---------------------------------------------------------------------------


def kind_of(obj) -> str | None:
    """The numbering ``obj`` belongs to, or None (home page, listings, authors…)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from .models import ArticlePage, BrevePage, SectionPage

    for model, kind in ((ArticlePage, Kind.ARTICLE), (BrevePage, Kind.BREVE),
                        (SectionPage, Kind.RUBRIQUE), (get_image_model(), Kind.DOCUMENT),
                        (get_document_model(), Kind.DOCUMENT)):  # fmt: skip
        if isinstance(obj, model):
            return kind
    return None


def _content_type(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=False)


# --- reading -------------------------------------------------------------------------------------


def number_of(obj) -> int | None:
    if obj is None or obj.pk is None:
        return None
    return (
        SpipNumber.objects.filter(content_type=_content_type(obj), object_id=obj.pk)
        .values_list("number", flat=True)
        .first()
    )


def label_of(obj) -> str:
    """« Article n° 19 », or "" for an object without a number."""
    kind, number = kind_of(obj), number_of(obj)
    if kind is None or number is None:
        return ""
    return str(LABELS[kind] % {"number": number})


def holder(kind: str, number: int) -> SpipNumber | None:
    """Who holds ``number`` in ``kind``'s numbering."""
    return SpipNumber.objects.filter(kind=kind, number=number).first()


def object_for(kind: str, number: int):
    """The object that holds a number (any state: callers decide what readers may see)."""
    found = SpipNumber.objects.filter(kind=kind, number=number).select_related("content_type")
    row = found.first()
    if row is None:
        return None
    model = row.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=row.object_id).first()


# --- giving numbers ------------------------------------------------------------------------------


def _counter(kind: str) -> SpipNumberCounter:
    SpipNumberCounter.objects.get_or_create(kind=kind)
    return SpipNumberCounter.objects.select_for_update().get(kind=kind)


def allocate(obj) -> int | None:
    """Give ``obj`` the next number of its kind (the one it has already, if any)."""
    kind = kind_of(obj)
    if kind is None or obj.pk is None:
        return None
    with transaction.atomic():
        current = number_of(obj)
        if current is not None:
            return current
        counter = _counter(kind)
        # the counter is the memory of numbers given (deleted objects' included); the highest
        # number held guards against a counter restored older than the numbers (a partial
        # restore, a fixture load): one indexed query
        held = SpipNumber.objects.filter(kind=kind).aggregate(top=models.Max("number"))["top"]
        number = max(counter.last, counter.reserved_until, held or 0) + 1
        counter.last = number
        counter.save(update_fields=["last"])
        SpipNumber.objects.create(kind=kind, number=number, content_type=_content_type(obj),
                                  object_id=obj.pk)  # fmt: skip
    return number


def claim(obj, number: int, *, from_spip: bool = True) -> None:
    """Give ``obj`` a chosen number (an imported object keeps its SPIP number). Raises
    :class:`NumberCollision` when another object holds it; the counter grows past it so that the
    number is never given again."""
    kind = kind_of(obj)
    if kind is None:
        raise ValueError(f"{obj!r} has no SPIP numbering")
    content_type = _content_type(obj)
    with transaction.atomic():
        counter = _counter(kind)
        held = holder(kind, number)
        if held is not None:
            if held.content_type_id == content_type.id and held.object_id == obj.pk:
                return
            raise NumberCollision(kind, number, held)
        SpipNumber.objects.filter(content_type=content_type, object_id=obj.pk).delete()
        try:
            with transaction.atomic():
                SpipNumber.objects.create(kind=kind, number=number, content_type=content_type,
                                          object_id=obj.pk, from_spip=from_spip)  # fmt: skip
        except IntegrityError as exc:  # taken between our check and our insert
            raise NumberCollision(kind, number, holder(kind, number)) from exc
        if number > counter.last:
            counter.last = number
            counter.save(update_fields=["last"])


def claim_many(objects_and_numbers) -> None:
    """:func:`claim` for many new objects at once (an import's batch): one insert, one counter
    update per kind. The caller has checked that the numbers are free; a number taken meanwhile
    still fails the batch (the unique constraint), never merges two objects."""
    rows: list[SpipNumber] = []
    highest: dict[str, int] = {}
    for obj, number in objects_and_numbers:
        kind = kind_of(obj)
        if kind is None or obj.pk is None:
            continue
        rows.append(SpipNumber(kind=kind, number=number, content_type=_content_type(obj),
                               object_id=obj.pk, from_spip=True))  # fmt: skip
        highest[kind] = max(highest.get(kind, 0), number)
    if not rows:
        return
    with transaction.atomic():
        for kind, top in highest.items():
            counter = _counter(kind)
            if top > counter.last:
                counter.last = top
                counter.save(update_fields=["last"])
        SpipNumber.objects.bulk_create(rows, batch_size=500)


def reserve(kind: str, until: int) -> int:
    """Keep the numbers up to ``until`` for the SPIP site being re-synced; returns the range's
    end (a reservation only ever grows)."""
    with transaction.atomic():
        counter = _counter(kind)
        if until > counter.reserved_until:
            counter.reserved_until = until
            counter.save(update_fields=["reserved_until"])
        return counter.reserved_until


def forget(obj) -> None:
    """An object deleted: its number names nothing any more (and is never given again)."""
    if obj.pk is None:
        return
    SpipNumber.objects.filter(content_type=_content_type(obj), object_id=obj.pk).delete()


# --- signals -------------------------------------------------------------------------------------


def _numbered_models():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from .models import ArticlePage, BrevePage, SectionPage

    return [ArticlePage, BrevePage, SectionPage, get_image_model(), get_document_model()]


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not created or getattr(instance, "_spip_number_later", False):
        return  # the importer claims its batch's numbers together (claim_many)
    wanted = getattr(instance, "_spip_number", None)
    if wanted is not None:
        # the importer claims the SPIP number (it checked for a collision before saving)
        claim(instance, wanted, from_spip=True)
        return
    allocate(instance)


def _on_delete(sender, instance, **kwargs):
    forget(instance)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in _numbered_models():
        post_save.connect(_on_save, sender=model, dispatch_uid=f"spip_number_{model.__name__}")
        post_delete.connect(_on_delete, sender=model,
                            dispatch_uid=f"spip_number_del_{model.__name__}")  # fmt: skip
