from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from redac.news.models import Author

from .roles import RESTRICTED_ADMIN


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code à 6 chiffres"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("Le code est fait de 6 chiffres.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )  # fmt: skip


class VerifyForm(forms.Form):
    """The login's second step: the app's 6-digit code, or one of the person's recovery codes
    (8 letters and digits, typed with or without a space or dash in the middle)."""

    token = forms.RegexField(
        label=_("Code à 6 chiffres, ou code de secours"), max_length=20,
        regex=r"^\s*(\d{6}|[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4})\s*$",
        error_messages={"invalid": _("Tapez les 6 chiffres de votre application, ou un code de "
                                     "secours de 8 caractères.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )  # fmt: skip

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).replace("-", "").lower()


class SectionsForm(forms.Form):
    RESTRICTED = "restricted"
    REDACTEUR = "redacteur"

    role = forms.ChoiceField(
        label=_("Rôle"), widget=forms.RadioSelect, initial=RESTRICTED, required=False,
        choices=[
            (RESTRICTED, _("Administrateur restreint : publie et refuse les articles et brèves "
                           "de ces rubriques et de leurs sous-rubriques, et de nulle part "
                           "ailleurs (ajouté au groupe « Administrateur restreint »)")),
            (REDACTEUR, _("Rédacteur : écrit et propose dans ces rubriques et leurs "
                          "sous-rubriques seulement ; sans rubrique cochée, partout")),
        ],
    )  # fmt: skip
    user = forms.ModelChoiceField(
        label=_("Personne"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    sections = forms.ModelMultipleChoiceField(
        label=_("Rubriques"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=None,
    )  # fmt: skip

    def clean_role(self):
        return self.cleaned_data.get("role") or self.RESTRICTED  # the screen's original use

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from redac.news.models import SectionPage

        self.fields["sections"].queryset = SectionPage.objects.order_by("path")
        self.fields["sections"].label_from_instance = lambda page: (
            "— " * max(page.depth - 3, 0) + page.title
        )


def restricted_admins():
    return get_user_model().objects.filter(groups__name=RESTRICTED_ADMIN).distinct()


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, whose password field has no label of its own (the field's name,
    « Password », showed in English in the French admin)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Mot de passe")


class OwnAuthorForm(forms.ModelForm):
    """What a person edits of their own byline (« Ma signature »): the public name, a short
    biography, a website and a photo. Not the address (kept stable for links) nor the account."""

    class Meta:
        model = Author
        fields = ["name", "bio", "website", "photo"]

    def __init__(self, *args, **kwargs):
        from wagtail.images.widgets import AdminImageChooser

        super().__init__(*args, **kwargs)
        self.fields["photo"].widget = AdminImageChooser()
        self.fields["bio"].widget.attrs["rows"] = 5
