"""The import's own screens in the admin (« Import SPIP » menu), read only:

- « Objets importés »: every SPIP object the import brought in, searchable by SPIP type and number
  (« article 12 »), filtered by its original status (``prepa``, ``refuse``, ``poubelle``…), with
  what redac made of it;
- « Anciennes adresses SPIP »: every old address that keeps answering, and where it now leads.

Administrators and webmasters see them (``view_*`` permissions, granted by ``redac.newsroom.roles``);
nobody edits them here: they are the import's record, rewritten by the next ``redac import-spip``.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .models import ImportRecord, LegacyURL
from .resolver import new_address

KINDS = [
    ("article", _("article")), ("breve", _("brève")), ("rubrique", _("rubrique")),
    ("document", _("document")), ("auteur", _("auteur")), ("mot", _("mot-clé")),
    ("groupe", _("groupe de mots")), ("forum", _("message de forum")),
]  # fmt: skip
STATUSES = [
    ("publie", _("publié")), ("prop", _("proposé")), ("prepa", _("en cours de rédaction")),
    ("refuse", _("refusé")), ("poubelle", _("à la poubelle")),
    ("supprime", _("supprimé dans SPIP")), ("off", _("message supprimé")),
    ("spam", _("message indésirable")),
]  # fmt: skip


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only ``view``: the records are the import's, rewritten by its next run (superusers
    included: a hand edit would be silently undone)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(["view"] if "view" in actions else [])


class ReadOnlyViewSet(ModelViewSet):
    form_fields: list[str] = []
    inspect_view_enabled = True


class ImportRecordFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("type SPIP"), choices=KINDS, method="by_kind")
    number = django_filters.NumberFilter(label=_("numéro SPIP"), method="by_number", min_value=0)
    spip_status = django_filters.ChoiceFilter(label=_("statut d'origine"), choices=STATUSES)

    class Meta:
        model = ImportRecord
        fields = ["kind", "number", "spip_status"]

    def by_kind(self, queryset, name, value):
        return queryset.filter(ref__startswith=f"spip:{value}:")

    def by_number(self, queryset, name, value):
        return queryset.filter(ref__endswith=f":{int(value)}")


class SpipObjectColumn(Column):
    """« article 12 », the SPIP object."""

    def get_value(self, instance):
        label = dict(KINDS).get(instance.spip_kind, instance.spip_kind)
        return (
            f"{label} {instance.spip_number}" if instance.spip_number is not None else instance.ref
        )


class RedacObjectColumn(Column):
    """What the import made of it, linked to where an editor finds it."""

    def get_value(self, instance):
        obj = instance.redac_object()
        if obj is None:
            return "—"
        title = getattr(obj, "title", None) or str(obj)
        url = getattr(obj, "url", None) if hasattr(obj, "get_url") else None
        if hasattr(obj, "get_url"):
            from django.urls import reverse

            url = reverse("wagtailadmin_pages:edit", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, title) if url else title


class ImportRecordViewSet(ReadOnlyViewSet):
    model = ImportRecord
    icon = "download"
    menu_label = _("Objets importés")
    url_prefix = "import-spip/objets"
    name = "spip_import_records"
    search_fields = ["ref"]
    search_backend_name = None  # the database's own search: « spip:article:12 », « article:12 »
    filterset_class = ImportRecordFilterSet
    list_display = [
        SpipObjectColumn("spip_object", label=_("objet SPIP")),
        "spip_status",
        RedacObjectColumn("redac_object", label=_("dans redac")),
        "updated_at",
    ]
    inspect_view_fields = ["ref", "spip_status", "model", "object_id", "extra", "updated_at"]
    ordering = ["ref"]

    def get_queryset(self, request):
        return ImportRecord.objects.filter(ref__startswith="spip:")


class LegacyURLFilterSet(WagtailFilterSet):
    form = django_filters.ChoiceFilter(
        label=_("forme de l'adresse"), method="by_form",
        choices=[("numbered", _("numérotée (spip.php?article12…)")),
                 ("propre", _("« propre » (titre)")), ("img", _("document (IMG/…)"))],
    )  # fmt: skip
    target = django_filters.CharFilter(label=_("objet visé (ex. article:12)"), method="by_target")

    class Meta:
        model = LegacyURL
        fields = ["form", "target"]

    def by_form(self, queryset, name, value):
        return {
            "numbered": queryset.filter(key__startswith="spip.php?"),
            "propre": queryset.filter(key__startswith="slug:"),
            "img": queryset.filter(key__startswith="IMG/"),
        }.get(value, queryset)

    def by_target(self, queryset, name, value):
        value = value.strip().removeprefix("spip:")
        return queryset.filter(Q(target_ref=f"spip:{value}") | Q(target_url__icontains=value))


class NewAddressColumn(Column):
    def get_value(self, instance):
        url = new_address(instance)
        if not url:
            return _("— (hors ligne : l'adresse répond 404)")
        return format_html('<a href="{}">{}</a>', url, url)


class LegacyURLViewSet(ReadOnlyViewSet):
    model = LegacyURL
    icon = "redirect"
    menu_label = _("Anciennes adresses SPIP")
    url_prefix = "import-spip/adresses"
    name = "spip_legacy_urls"
    search_fields = ["key", "target_ref", "target_url"]
    search_backend_name = None
    filterset_class = LegacyURLFilterSet
    list_display = [
        Column("old_address", label=_("ancienne adresse")),
        "target_ref",
        NewAddressColumn("new_address", label=_("nouvelle page (301)")),
    ]
    inspect_view_fields = ["key", "target_ref", "target_url"]
    ordering = ["key"]


def register_policies() -> None:
    from wagtail.permissions import register_permission_policy

    for model in (ImportRecord, LegacyURL):
        register_permission_policy(model, ReadOnlyPolicy(model), exact_class=True)


class SpipImportGroup(ViewSetGroup):
    menu_label = _("Import SPIP")
    menu_icon = "download"
    menu_name = "spip-import"
    items = (ImportRecordViewSet, LegacyURLViewSet)
