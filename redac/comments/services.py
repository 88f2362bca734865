"""Comment workflows: who may comment where, posting, moderating, notifying, importing, purging."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from redac.core.lib.usertext import clean_user_text
from redac.core.mail import queue_mail, site_name
from redac.core.prepared import Param, prepared
from redac.news.models import CommentsMode
from redac.reserve.services import blocked_by_silence

from .models import BODY_MAX_LENGTH, IP_RETENTION, Comment

#: Sent when the comments readers can see on ``page`` changed (a comment published, unpublished or
#: deleted): the page cache (redac.delivery) purges the page's URL. Arguments: ``page``.
comments_changed = Signal()

#: Display names a reader may not take (impersonation, security case 16), compared as
#: :func:`name_skeleton` says. The authors' public names (bylines), staff members' full names and
#: the site's own name are added at check time; never login names, which are not public (issue 15).
RESERVED_NAMES = {"redaction", "la redaction", "admin", "administrateur", "administratrice",
                  "administration", "moderateur", "moderatrice", "moderation", "webmestre",
                  "webmaster", "root", "staff", "equipe", "l'equipe"}  # fmt: skip

#: After case folding, letters and digits that pass for one another in a name (« AdmIn »,
#: « Adm1n », « rn » for « m »): UTS #39's skeleton maps them alike.
_ASCII_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})


def _latin_lookalike(char: str) -> str:
    """A non-Latin letter that passes for a Latin one (Cyrillic « а », Greek « ο »…), as that
    Latin letter, from Unicode's confusables data (the confusable-homoglyphs library, which
    ships it: no table of our own to keep up to date)."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin", "common"])
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii():
                return glyph["c"]
    return char


def name_skeleton(name: str) -> str:
    """What a display name looks like, whatever characters spell it: NFKC (fullwidth and styled
    letters), look-alike letters of other scripts as their Latin twin, case folded, accents,
    invisible characters (zero-width space, joiners, bidi marks), punctuation (curly or straight
    apostrophes, dots, hyphens), symbols and spaces removed, then the common ASCII look-alikes
    mapped alike. Two names with one skeleton are the same name to a reader."""
    # Letters first, then look-alikes: a letter that only decomposes into a look-alike (Greek
    # « ἀ » -> « α » -> « a ») is mapped too, so the skeleton is its own skeleton.
    text = _letters(unicodedata.normalize("NFKC", name or ""))
    text = _letters("".join(c if c.isascii() else _latin_lookalike(c) for c in text))
    return text.translate(_ASCII_LOOKALIKES).replace("rn", "m").replace("vv", "w")


def _letters(text: str) -> str:
    """Case folded, accents off, letters and digits only: modifier letters (« ʼ », « ˈ ») pass
    for punctuation and go with it."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN"
                   and unicodedata.category(c) != "Lm")  # fmt: skip


def _reserved_skeletons() -> set[str]:
    from redac.news.models import Author

    names = set(RESERVED_NAMES) | {site_name()}
    names.update(Author.objects.values_list("name", flat=True))
    # staff members' full names (security case 16), as a byline would print them; never their
    # logins, which are not public and which a refusal would confirm
    User = get_user_model()
    staff = User.objects.filter(is_active=True).filter(is_staff=True) | User.objects.filter(
        is_active=True, groups__isnull=False
    )
    for first, last in staff.distinct().values_list("first_name", "last_name"):
        names.add(f"{first} {last}".strip())
    return {skeleton for skeleton in map(name_skeleton, names) if skeleton}


def is_reserved_name(name: str) -> bool:
    """Whether a reader's display name would pass for the organisation, one of its authors (their
    public names: bylines) or a staff member (full name), however it is spelled."""
    skeleton = name_skeleton(name)
    return bool(skeleton) and skeleton in _reserved_skeletons()


def commentable_page(page_id: int):
    """The live, public page with this id, specific, or None (drafts and private pages are never
    commentable, and their existence is not revealed: security case 15)."""
    from redac.news.models import published

    page = published(Page).filter(pk=page_id).specific().first()
    if page is None or not hasattr(page, "comments_mode"):
        return None
    return page


def refusal_reason(page) -> str | None:
    """Why comments cannot be posted on ``page`` now, in the active language, or None."""
    if page.comments_mode in (CommentsMode.OFF, CommentsMode.CLOSED):
        return gettext("Les commentaires sont fermés sur cette page.")
    return blocked_by_silence(page)


#: How many levels of replies the page nests. Deeper replies are listed flat, in the order they
#: were posted, under the reply at this depth (each says whom it answers), as forums do: a thread
#: of any depth renders with a bounded template depth and stays readable on a phone.
MAX_NESTING = 4


@dataclass
class Thread:
    comment: Comment
    replies: list[Thread]
    #: The message a flattened reply answers (shown as « en réponse à … »); None when the nesting
    #: already says it.
    reply_to: Comment | None = None


def published_threads(page) -> list[Thread]:
    """Published comments of ``page`` as a tree at most :data:`MAX_NESTING` levels deep. A reply to
    a message readers may not see (refused, spam, pending) is hidden with it, at any depth, as SPIP
    hides the replies of a removed forum message: a reply read without what it answers misleads.
    A reply whose parent was deleted outright (no parent any more) stands at the top level.

    Built iteratively (no recursion): stored threads of any depth, even cycles in imported data,
    never raise RecursionError (issue 15, item 6)."""
    comments = _published_of_page().run(page=page.pk)
    by_pk = {c.pk: c for c in comments}
    children: dict[int, list[Comment]] = {}
    roots = []
    for comment in comments:  # already in posting order
        if comment.parent_id is None:
            roots.append(comment)
        elif comment.parent_id in by_pk:  # else: its parent is not shown, so neither is it
            children.setdefault(comment.parent_id, []).append(comment)
    threads = [Thread(c, []) for c in roots]
    # (thread, depth): a root is at depth 1; only what is reachable from a root is shown
    stack = [(t, 1) for t in threads]
    while stack:
        thread, depth = stack.pop()
        kids = children.get(thread.comment.pk, [])
        if depth < MAX_NESTING:
            thread.replies = [Thread(c, []) for c in kids]
            stack.extend((t, depth + 1) for t in thread.replies)
        elif kids:
            thread.replies = _flattened(thread.comment, children)
    return threads


def _flattened(anchor: Comment, children: dict[int, list[Comment]]) -> list[Thread]:
    """Every reply below ``anchor``, at any depth, as one flat list in posting order."""
    found, todo = [], list(children.get(anchor.pk, []))
    while todo:
        comment = todo.pop()
        found.append(comment)
        todo.extend(children.get(comment.pk, []))
    found.sort(key=lambda c: (c.created_at, c.pk))
    parents = {anchor.pk: anchor} | {c.pk: c for c in found}
    return [Thread(c, [], None if c.parent_id == anchor.pk else parents[c.parent_id])
            for c in found]  # fmt: skip


def count_threads(threads: list[Thread]) -> int:
    """How many comments a tree of :class:`Thread` shows (iteratively, at any size)."""
    total, todo = 0, list(threads)
    while todo:
        thread = todo.pop()
        total += 1
        todo.extend(thread.replies)
    return total


@prepared
def _published_of_page():
    """Compiled once per worker: this query runs on every uncached page render."""
    page = Param("page", Comment._meta.get_field("page").target_field)
    return Comment.objects.published().filter(page=page).order_by("created_at", "pk")


@transaction.atomic
def post_comment(page, *, author_name: str, author_email: str, body: str, parent=None,
                 ip_address: str | None = None) -> Comment:  # fmt: skip
    status = (Comment.Status.PUBLISHED if page.comments_mode == CommentsMode.POST
              else Comment.Status.PENDING)  # fmt: skip
    comment = Comment.objects.create(
        page=page, parent=parent, author_name=author_name, author_email=author_email, body=body,
        status=status, ip_address=ip_address or None,
    )  # fmt: skip
    notify_moderators(comment)
    if comment.is_published:
        transaction.on_commit(lambda: comments_changed.send(sender=Comment, page=page))
    return comment


def moderators_of(page) -> list:
    """Who moderates comments on ``page``: the users who can publish it (its section editors),
    or the superusers when nobody else can."""
    policy = PagePermissionPolicy()
    users = [u for u in policy.users_with_permission_for_instance("publish", page,
                                                                  include_superusers=False)
             if u.email]  # fmt: skip
    if not users:
        users = [u for u in get_user_model().objects.filter(is_superuser=True, is_active=True)
                 if u.email]  # fmt: skip
    return users


def notify_moderators(comment: Comment) -> None:
    recipients = sorted({u.email for u in moderators_of(comment.page)})
    if not recipients:
        return
    base = settings.SITE_URL.rstrip("/")
    state = ("Il est publié ; vous pouvez le retirer." if comment.is_published
             else "Il attend votre modération avant d'être publié.")  # fmt: skip
    body = "\n".join([
        f"Nouveau commentaire sur « {comment.page.title} » ({site_name()}).", "",
        f"De : {comment.author_name}", "", comment.body, "", state,
        f"File de modération : {base}/admin/commentaires/",
    ])  # fmt: skip
    queue_mail(to=recipients, subject=f"Nouveau commentaire : {comment.page.title}", body=body,
               kind="comment")  # fmt: skip


def can_moderate(user, comment: Comment) -> bool:
    return comment.page.permissions_for_user(user).can_publish()


def moderatable_pages(user):
    return PagePermissionPolicy().instances_user_has_permission_for(user, "publish")


ACTIONS = {
    "approve": Comment.Status.PUBLISHED,
    "reject": Comment.Status.REJECTED,
    "spam": Comment.Status.SPAM,
}


@transaction.atomic
def moderate(comments: Iterable[Comment], action: str, user) -> int:
    """Apply ``action`` (approve, reject, spam, delete) to the comments ``user`` may moderate."""
    done, pages = 0, set()
    for comment in comments:
        if not can_moderate(user, comment):
            continue
        was_visible = comment.is_published
        if action == "delete":
            comment.delete()
        elif action in ACTIONS:
            comment.status = ACTIONS[action]
            comment.moderated_at, comment.moderated_by = timezone.now(), user
            comment.save(update_fields=["status", "moderated_at", "moderated_by"])
        else:
            continue
        done += 1
        if was_visible or action == "approve":
            pages.add(comment.page)
    for page in pages:
        transaction.on_commit(lambda page=page: comments_changed.send(sender=Comment, page=page))
    return done


def purge_expired_ips(now=None) -> int:
    """Erase commenters' IP addresses after the one year the law requires them to be kept."""
    now = now or timezone.now()
    return Comment.objects.filter(ip_address__isnull=False,
                                  created_at__lt=now - IP_RETENTION).update(ip_address=None)  # fmt: skip


# --- Import from SPIP (redac import-spip) ---------------------------------------------------------

SPIP_STATUSES = {"publie": Comment.Status.PUBLISHED, "prop": Comment.Status.PENDING,
                 "off": Comment.Status.REJECTED, "spam": Comment.Status.SPAM,
                 "poubelle": Comment.Status.REJECTED, "privrac": None, "prive": None,
                 "privadm": None, "perso": None}  # fmt: skip


@dataclass
class ImportedForumMessage:
    """One SPIP ``spip_forum`` row, as the importer hands it over (plain data, plain text)."""

    id_forum: int
    page: Page
    author_name: str
    body: str
    statut: str
    date: object
    author_email: str = ""
    ip: str | None = None
    id_parent: int = 0
    title: str = ""


def spip_comment_status(statut: str) -> str | None:
    """The comment state of a SPIP forum status, or None for SPIP's private forums (``priv*``,
    ``perso``: discussions between editors, never reader comments). Unknown statuses wait for a
    moderator rather than being published."""
    statut = (statut or "").strip().lower()
    if statut.startswith("priv"):
        return None
    return SPIP_STATUSES.get(statut, Comment.Status.PENDING)


def _imported_ip(ip: str | None, date) -> str | None:
    """SPIP's ``ip`` column, kept only for the rest of the legal year (décret 2021-1362: one year
    from posting), like the IP of a comment posted here; never an invalid value."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    ip = (ip or "").strip()
    if not ip or date is None or timezone.now() - date >= IP_RETENTION:
        return None
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None
    return ip


def _imported_email(raw: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = clean_user_text(raw or "", single_line=True)
    if len(email) > 254 or not email.isascii():
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _comment_fields(message: ImportedForumMessage, status: str) -> dict:
    """The same cleaning as the comment form (readers' text: control characters out, one-line
    names), applied to what SPIP stored."""
    name = " ".join(clean_user_text(message.author_name or "", single_line=True).split())
    body = clean_user_text(message.body or "")
    title = " ".join(clean_user_text(message.title or "", single_line=True).split())
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}" if body else title
    return {
        "page_id": message.page.pk, "author_name": name[:80] or "Anonyme",
        "author_email": _imported_email(message.author_email), "body": body[:BODY_MAX_LENGTH],
        "status": status, "created_at": message.date or timezone.now(),
        "ip_address": _imported_ip(message.ip, message.date),
    }  # fmt: skip


def import_comment(message: ImportedForumMessage) -> Comment | None:
    """Create or update the comment for one SPIP forum message (see :func:`import_comments`)."""
    import_comments([message])
    return Comment.objects.filter(import_ref=f"spip:forum:{message.id_forum}").first()


@transaction.atomic
def import_comments(messages: Iterable[ImportedForumMessage], *, announce: bool = True) -> int:
    """Create or update the comments of SPIP forum messages, in bulk; returns how many are reader
    comments (SPIP's private forums are skipped).

    Idempotent on ``import_ref`` (``spip:forum:N``): a re-run updates, never duplicates. Replies
    keep their thread (``id_parent``), whether the parent is in this call or was imported before.
    The pages whose comments changed are purged from the page cache (``comments_changed``), after
    commit, like after a moderation; ``announce=False`` leaves that to the caller (the SPIP import
    purges the whole cache once at its end).
    """
    wanted = []
    for message in sorted(messages, key=lambda m: m.id_forum):
        status = spip_comment_status(message.statut)
        if status is not None:
            wanted.append((message, _comment_fields(message, status)))
    if not wanted:
        return 0
    refs = [f"spip:forum:{m.id_forum}" for m, _fields in wanted]
    existing = dict(Comment.objects.filter(import_ref__in=refs).values_list("import_ref", "pk"))
    fields = [name.removesuffix("_id") for name in wanted[0][1]]
    new, changed = [], []
    for (_message, values), ref in zip(wanted, refs, strict=True):
        comment = Comment(import_ref=ref, pk=existing.get(ref), **values)
        (changed if comment.pk else new).append(comment)
    Comment.objects.bulk_update(changed, fields, batch_size=200)
    Comment.objects.bulk_create(new, batch_size=200)
    # threads, once every comment of this call exists
    parent_refs = {f"spip:forum:{m.id_parent}" for m, _v in wanted if m.id_parent}
    ids = dict(Comment.objects.filter(import_ref__in=parent_refs | set(refs))
               .values_list("import_ref", "pk"))  # fmt: skip
    threaded = []
    for message, _values in wanted:
        comment = Comment(pk=ids[f"spip:forum:{message.id_forum}"])
        comment.parent_id = ids.get(f"spip:forum:{message.id_parent}") if message.id_parent \
            else None  # fmt: skip
        if comment.parent_id == comment.pk:
            comment.parent_id = None
        threaded.append(comment)
    Comment.objects.bulk_update(threaded, ["parent"], batch_size=200)
    pages = {message.page.pk: message.page for message, _values in wanted} if announce else {}
    for page in pages.values():
        transaction.on_commit(lambda page=page: comments_changed.send(sender=Comment, page=page))
    return len(wanted)
