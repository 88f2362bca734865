"""SPIP authors: bylines, inactive accounts in the right groups, restricted administrators'
sections."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils.text import slugify
from wagtail.models import GroupPagePermission

from redac.news.models import Author

from .. import clean
from ..readers import types as t
from .common import STATUS_GROUPS, ref


class AuthorsImport:
    """Step « auteurs »."""

    def import_authors(self) -> None:
        rows = list(self.reader.auteurs())
        restricted: list[tuple[t.Auteur, object]] = []
        for row in self._batches(rows, "auteurs"):
            key, digest = ref("auteur", row.id), t.digest(row)
            if row.status == "5poubelle":
                continue
            if self._unchanged(key, digest):
                self.author_ids[row.id] = self.records[key][1]
                continue
            author = self._existing(Author, key) or Author(import_ref=key)
            author.name = clean.plain_title(row.name, row.lang or self.site.lang,
                                            max_length=200) or f"Auteur {row.id}"  # fmt: skip
            author.bio = clean.clean_text(row.bio)[:5000]
            author.website = clean.safe_url(row.url_site, schemes=("http", "https"))
            if row.url_site and not author.website:
                self.report.warn(
                    f"auteur {row.id} : adresse de site refusée ({row.url_site[:80]!r})"
                )
            if self._logo("auteur", row.id):
                author.photo_id = self._logo("auteur", row.id)
            if row.login and row.status in STATUS_GROUPS:
                author.user = self._account(row, author)
            author.save()
            self._record(key, digest, author, status=row.status)
            self.author_ids[row.id] = author.pk
            self.report.counts["auteurs"] += 1
            if row.status == "0minirezo" and row.rubrique_ids and author.user is not None:
                restricted.append((row, author.user))
        for key, (_d, object_id) in self.records.items():
            if key.startswith("spip:auteur:") and object_id is not None:
                self.author_ids.setdefault(int(key.rsplit(":", 1)[1]), object_id)
        self._restricted = restricted

    def _account(self, row: t.Auteur, author: Author):
        """An inactive account without a password: the person asks for a new one (password
        reset) before logging in; SPIP's password hashes are never imported."""
        User = get_user_model()
        user = author.user
        if user is None:
            base = slugify(row.login)[:140] or f"spip-{row.id}"
            username = base
            while User.objects.filter(username=username).exists():
                username = f"{base}-spip{row.id}" if username == base else f"{username}x"
            user = User(username=username, is_active=False)
            user.set_unusable_password()
        email = clean.plain_text(row.email, max_length=254)
        user.email = email if "@" in email and " " not in email else ""
        first, _, last = clean.plain_title(row.name, row.lang or "fr").partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
        user.save()
        group_name = STATUS_GROUPS[row.status]
        if row.status == "0minirezo" and row.rubrique_ids:
            group_name = "Editors"  # restricted admins publish only in their sections (below)
        group, _ = Group.objects.get_or_create(name=group_name)
        user.groups.add(group)
        return user

    def _grant_sections(self) -> None:
        """SPIP's "administrateurs restreints" keep publishing rights on their sections only:
        one group per section, with Wagtail page permissions on that section's subtree."""
        for row, user in getattr(self, "_restricted", []):
            for rubrique_id in row.rubrique_ids:
                section = self.sections.get(rubrique_id)
                if section is None:
                    continue
                group, _ = Group.objects.get_or_create(
                    name=f"Administrateurs SPIP : {section.title}"[:150]
                )
                for codename in ("add_page", "change_page", "publish_page"):
                    permission = Permission.objects.get(content_type__app_label="wagtailcore",
                                                        codename=codename)  # fmt: skip
                    GroupPagePermission.objects.get_or_create(group=group, page=section,
                                                              permission=permission)  # fmt: skip
                admin_access = Permission.objects.get(content_type__app_label="wagtailadmin",
                                                      codename="access_admin")  # fmt: skip
                group.permissions.add(admin_access)
                user.groups.add(group)
