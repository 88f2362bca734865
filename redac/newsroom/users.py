"""The user screens of the newsroom: Wagtail's, with the roles in newsroom French, invitations by
mail, and no way up (issue 15, item 5; issue 16, « Webmaster's first login »).

- The form offers the groups the editing person may give (``roles.ASSIGNABLE_GROUPS``: the roles
  at or below their own), each under its French name and what it is for; groups it does not
  offer (section groups, set on the « Rubriques attribuées » screen) are kept as they were.
  Wagtail's « Editors »/« Moderators » are never offered: the roles replace them.
- Superuser status is offered to superusers only, under its own name (« Superutilisateur »), not
  Wagtail's « Administrator » beside a group of that name.
- Only a superuser edits, deletes, (de)activates or gives a role to a superuser.
- A new person is invited by mail: a link to choose their password (Django's reset token, one
  use, ``PASSWORD_RESET_TIMEOUT``), queued in the outbox; nobody types a password for someone else.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from . import roles, services

#: ``OutgoingMail.kind`` of invitations.
INVITATION_MAIL_KIND = "invitation"


def assignable_groups(editor):
    """The groups ``editor`` may give to someone."""
    if editor.is_superuser:
        return Group.objects.exclude(name__in=roles.WAGTAIL_DEFAULT_GROUPS).exclude(
            Q(name__startswith=roles.SECTION_GROUP_PREFIX)
            | Q(name__startswith=roles.REDACTEUR_SECTION_GROUP_PREFIX)
        )
    names = {
        name
        for role in editor.groups.filter(name__in=roles.ROLES).values_list("name", flat=True)
        for name in roles.ASSIGNABLE_GROUPS.get(role, ())
    }  # fmt: skip
    return Group.objects.filter(name__in=names)


def may_manage(editor, target) -> bool:
    """Only a superuser touches a superuser."""
    return editor.is_superuser or not target.is_superuser


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group):
        description = roles.GROUP_DESCRIPTIONS.get(group.name)
        return f"{group.name} — {description}" if description else group.name


class NewsroomUserFormMixin:
    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        offered = assignable_groups(editor).order_by("name") if editor else Group.objects.none()
        order = {name: rank for rank, name in enumerate((*roles.ROLES, roles.MESSAGES_GROUP))}
        offered = sorted(offered, key=lambda group: (order.get(group.name, 99), group.name))
        self.offered_groups = offered
        self.fields["groups"] = GroupChoiceField(
            queryset=Group.objects.filter(pk__in=[group.pk for group in offered]),
            required=False, widget=forms.CheckboxSelectMultiple, label=_("Rôles"),
            help_text=_("Cochez le ou les rôles de la personne (voir le guide : « Qui peut "
                        "faire quoi »)."),
        )  # fmt: skip
        self.fields["groups"].choices = [
            (group.pk, self.fields["groups"].label_from_instance(group)) for group in offered
        ]
        if self.instance.pk:
            self.initial["groups"] = [
                group.pk for group in self.instance.groups.all() if group in offered
            ]
        if "is_superuser" in self.fields:
            if editor is None or not editor.is_superuser:
                del self.fields["is_superuser"]
            else:
                self.fields["is_superuser"].label = _("Superutilisateur")
                self.fields["is_superuser"].help_text = _(
                    "Tous les droits, techniques compris, sans rôle. Réservé à l'équipe "
                    "technique : préférez un rôle."
                )

    def save(self, commit=True):
        kept = []
        if self.instance.pk:
            offered = {group.pk for group in self.offered_groups}
            # Groups this form does not show (section groups…) stay as they were.
            kept = [group for group in self.instance.groups.all() if group.pk not in offered]
        user = super().save(commit=False)
        if commit:
            user.save()
            self.save_m2m()
            if kept:
                user.groups.add(*kept)
        return user


class InvitationForm(NewsroomUserFormMixin, UserCreationForm):
    """A new person, without a password: the invitation mail lets them choose it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("password1", None)
        self.fields.pop("password2", None)

    @property
    def password_enabled(self):
        return False

    def validate_password(self):
        return None

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class NewsroomUserEditForm(NewsroomUserFormMixin, UserEditForm):
    pass


def invitation_link(user) -> str:
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )  # fmt: skip
    return settings.SITE_URL + path


def send_invitation(user, invited_by) -> None:
    """Queue the invitation mail in the outbox (sent by the background worker, retried if the mail
    server is down)."""
    from redac.core.mail import queue_mail, site_contact_address, site_name

    name = site_name()
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    inviter = invited_by.get_full_name() or invited_by.get_username()
    body = _(
        "Bonjour %(first_name)s,\n\n"
        "%(inviter)s vous invite à rejoindre l'administration du site « %(site)s ».\n\n"
        "Votre identifiant : %(username)s\n"
        "Choisissez votre mot de passe en suivant ce lien (valable %(days)d jours, une seule "
        "fois) :\n%(link)s\n\n"
        "Ensuite, connectez-vous à %(admin)s\n"
    ) % {
        "first_name": user.first_name or user.get_username(), "inviter": inviter, "site": name,
        "username": user.get_username(), "days": days, "link": invitation_link(user),
        "admin": settings.SITE_URL + reverse("wagtailadmin_home"),
    }  # fmt: skip
    subject = _("Invitation à rejoindre « %(site)s »") % {"site": name}
    queue_mail(to=[user.email], subject=subject, body=body, kind=INVITATION_MAIL_KIND,
               reply_to=site_contact_address())  # fmt: skip


class IndexView(wagtail_users.IndexView):
    add_item_label = gettext_lazy("Inviter une personne")


class CreateView(wagtail_users.CreateView):
    page_title = gettext_lazy("Inviter une personne")
    success_message = gettext_lazy("Invitation envoyée à « %(object)s » : son courriel permet "
                                   "de choisir le mot de passe.")  # fmt: skip

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def save_instance(self):
        user = super().save_instance()
        # As in SPIP, the account comes with its byline (named from the person, never the login).
        services.account_author(user)
        send_invitation(user, self.request.user)
        return user


class EditView(wagtail_users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not may_manage(request.user, self.object):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def save_instance(self):
        user = super().save_instance()
        # A person invited before their name was typed gets their byline once it is.
        services.account_author(user)
        return user


class DeleteView(wagtail_users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if not may_manage(request.user, self.get_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class NewsroomUserViewSet(wagtail_users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        return NewsroomUserEditForm if for_update else InvitationForm


def check_user_bulk_action(request, action_type, objects, action):
    """Wagtail's bulk actions on users (« assign role », (de)activate, delete) obey the same
    rules as the form: no superuser touched by a non-superuser, no group above one's own."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not objects or not all(isinstance(obj, User) for obj in objects):
        return None
    if any(not may_manage(request.user, obj) for obj in objects):
        raise PermissionDenied
    if action_type == "assign_role":
        role = action.cleaned_form.cleaned_data.get("role") if action.cleaned_form else None
        if role is None or not assignable_groups(request.user).filter(pk=role.pk).exists():
            raise PermissionDenied
    return None
