"""Public comment endpoints: the uncached form page (GET, POST) and the token endpoint for the
script that enhances the cacheable article pages (see the package docstring)."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from redac.core.cachecontrol import uncacheable
from redac.core.lib.antispam import check_post, issue_stamp, restamp
from redac.core.lib.net import client_ip
from redac.core.lib.params import positive_int

from .forms import CommentForm
from .models import Comment
from .services import commentable_page, post_comment, refusal_reason


@require_GET
def csrf_api(request):
    """A CSRF token and a form timestamp for the comment form of a cached page."""
    return uncacheable(JsonResponse({"csrf": get_token(request), "stamp": issue_stamp()}))


def _comment_form_page(request, page):
    if page is None or page.comments_mode == "off":
        raise Http404
    here = reverse("comments:form", args=[page.pk])
    reason = refusal_reason(page)
    problem, status = None, 200
    if request.method == "POST":
        form = CommentForm(request.POST)
        check = None if reason else check_post(request, form)
        if check is None:
            problem, status = reason, 403
            restamp(form)
        elif check.bot:
            return uncacheable(HttpResponseRedirect(here + "?envoye=attente"))
        elif check.passed:
            data = form.cleaned_data
            parent = None
            if parent_id := positive_int(data.get("parent")):
                parent = Comment.objects.published().filter(page=page, pk=parent_id).first()
            comment = post_comment(page, author_name=data["author_name"],
                                   author_email=data["author_email"], body=data["body"],
                                   parent=parent, ip_address=client_ip(request))  # fmt: skip
            state = "publie" if comment.is_published else "attente"
            return uncacheable(HttpResponseRedirect(f"{here}?envoye={state}"))
        else:
            problem, status = check.problem, check.status
    else:
        parent = positive_int(request.GET.get("reponse", ""))
        form = CommentForm(initial={"horodatage": issue_stamp(), "parent": parent})
    replying_to = None
    if parent_id := positive_int(str(form["parent"].value() or "")):
        replying_to = Comment.objects.published().filter(page=page, pk=parent_id).first()
    context = {"page": page, "form": form, "problem": problem, "closed": reason,
               "sent": request.GET.get("envoye"), "replying_to": replying_to,
               "form_action": here}  # fmt: skip
    response = TemplateResponse(request, "comments/comment_form_page.html", context, status=status)
    return uncacheable(response.render())


def comment_form_page(request, page_id: int):
    """The comment form of a page, in the page's language (an English article's form is in
    English, as the article's page is: redac.news.models.BasePage.serve)."""
    page = commentable_page(page_id)
    lang = getattr(page, "lang", "") if page is not None else ""
    if not lang or lang == translation.get_language():
        return _comment_form_page(request, page)
    with translation.override(lang):
        return _comment_form_page(request, page)
