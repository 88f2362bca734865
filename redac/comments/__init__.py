"""Reader comments (SPIP's « forums »), moderated, on articles and brèves.

Caching choice: article pages must stay cacheable (issue 6's page cache, a CDN), so the comment form
embedded in them carries **no CSRF token and no timestamp**. A small static script
(``static/redac/js/comments.js``) reveals the form and, when the reader first focuses it, fetches a
fresh token and form timestamp from ``/api/comments/token/`` (JSON, ``no-store``). Readers without JavaScript
see a link to ``/commentaires/<page_id>/`` instead: an uncached page with the same form and its
token. Every submission (and every error) lands on that uncached page, so nothing tied to one
reader ever enters a shared cache. Pending comments are never rendered in public templates at all,
so no cache can hold them (security case 18).
"""
