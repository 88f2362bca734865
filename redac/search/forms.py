from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redac.news.models import SectionPage, published

from .models import SearchEntry
from .services import MAX_QUERY_CHARS, Filters, normalise_query


class SearchForm(forms.Form):
    """The public search form (GET). Invalid filters are ignored with a message, never an error
    page: a shared link with a stale section id must still give results."""

    q = forms.CharField(label=_("Rechercher"), required=False, strip=True,
                        widget=forms.SearchInput)  # fmt: skip
    type = forms.MultipleChoiceField(label=_("Type"), required=False,
                                     choices=SearchEntry.Kind.choices,
                                     widget=forms.CheckboxSelectMultiple)  # fmt: skip
    rubrique = forms.TypedChoiceField(label=_("Rubrique"), required=False, coerce=int,
                                      empty_value=None)  # fmt: skip
    du = forms.DateField(label=_("Du"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    au = forms.DateField(label=_("Au"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, data=None, **kwargs):
        if data is not None:
            # ``?q=a&q=b`` (parameter pollution, security case 25): the first value wins, as
            # QueryDict.get would not say; the others are ignored.
            data = data.copy()
            if len(data.getlist("q")) > 1:
                data.setlist("q", data.getlist("q")[:1])
            data["q"] = normalise_query(data.get("q", ""))
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs.update({"maxlength": MAX_QUERY_CHARS})
        self.sections = list(
            published(SectionPage).order_by("path").only("id", "title", "path", "depth")
        )
        self.fields["rubrique"].choices = [("", _("Toutes les rubriques"))] + [
            (s.pk, ("— " * max(0, s.depth - 3)) + s.title) for s in self.sections
        ]

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_bound else {}
        section_path = ""
        if data.get("rubrique"):
            section_path = next((s.path for s in self.sections if s.pk == data["rubrique"]), "")
        return Filters(kinds=data.get("type") or [], section_path=section_path,
                       date_from=data.get("du"), date_to=data.get("au"))  # fmt: skip

    def query(self) -> str:
        return (self.cleaned_data.get("q") if self.is_bound and hasattr(self, "cleaned_data")
                else "") or ""  # fmt: skip
