"""Security of the admin: login throttling (django-axes) and two-factor authentication
(django-otp, TOTP).

Why django-otp rather than allauth's MFA or wagtail-2fa: Wagtail 8 keeps its own login view, and
django-otp is the maintained primitive that plugs into it without replacing it (allauth would
replace the whole login flow; wagtail-2fa pins older Wagtail versions). The setup and check screens
below are the small part that is ours, with one middleware that decides for every view: a user
who must use 2FA (Administrateur, Webmestre, superusers, anyone who turned it on) and has not typed
a code in this session is sent to the 2FA screen under /admin/ and is anonymous everywhere else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import TWO_FACTOR_ROLES

#: How many single-use recovery codes a person gets at a time (django-otp's static tokens).
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Codes de secours"


def client_ip(request) -> str | None:
    """The peer address only: X-Forwarded-For is never trusted for throttling (security case
    33); behind a proxy, the proxy must set REMOTE_ADDR (granian/nginx configuration)."""
    return request.META.get("REMOTE_ADDR")


class ThrottledModelBackend(AxesStandaloneBackend):
    """Axes' check on every web login; authentications without a request (management commands,
    the test client's ``login()``) are not web logins and pass through to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def two_factor_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and getattr(settings, "REDAC_2FA_REQUIRED_FOR_SUPERUSERS", True):
        return True
    return user.groups.filter(name__in=TWO_FACTOR_ROLES).exists()


def has_confirmed_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def must_use_two_factor(user) -> bool:
    """A user whose role requires 2FA, or who turned it on: until the second factor passes in
    this session, they hold no privilege anywhere."""
    return two_factor_required(user) or has_confirmed_device(user)


#: Where a user who has not passed 2FA yet keeps their identity: the steps of logging in and of
#: passing the second factor (the 2FA screens need to know who is typing the code).
_TWO_FACTOR_FLOW = ("/admin/login/", "/admin/logout/", "/admin/2fa/")
#: Admin resources that hold nothing private and that the 2FA screens themselves load (the icon
#: sprite, the JavaScript catalogue) or that a locked-out person needs (password reset): served
#: as to anyone, never redirected to the 2FA screen (a redirected sprite was injected into the
#: page, which then held two pages).
_OPEN_ADMIN_RESOURCES = ("/admin/sprite/", "/admin/jsi18n/", "/admin/password_reset/")


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    anonymous.otp_device = None
    anonymous.is_verified = lambda: False
    return anonymous


def _two_factor_url(user, next_url: str) -> str:
    name = "newsroom_2fa_verify" if has_confirmed_device(user) else "newsroom_2fa_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _is_unverified(user) -> bool:
    # A user that login() has just put on the request has no is_verified(): django_otp adds it
    # when it reads the session. A password login alone is never verified.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


class TwoFactorMiddleware:
    """Two-factor authentication decided in one layer, for every view (security issue 15, 4).

    After django_otp's OTPMiddleware. For a user who must use 2FA and has not typed a code in this
    session:

    - under /admin/ (but for the login and 2FA steps and the open resources), the answer is the
      2FA screen (set-up or check), with the page asked for as ``next``;
    - anywhere else, ``request.user`` is an anonymous user: login-restricted pages, documents of
      restricted collections, original images, previews, APIs, comments… see no one logged in,
      whatever checks ``request.user``;
    - a login entry that signs such a user in (the page-privacy form at /_util/login/, the admin
      login, any other) leads to the 2FA screen, then to where the login was going.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = getattr(request, "user", None)
        if user is None:
            return self.get_response(request)
        # Who the session held before the view: a login entry may replace them.
        before = user.pk if user.is_authenticated else None
        held_back = (
            before is not None and not path.startswith(_TWO_FACTOR_FLOW)
            and _is_unverified(user) and must_use_two_factor(user)
        )  # fmt: skip
        if held_back:
            if path.startswith("/admin/") and not path.startswith(_OPEN_ADMIN_RESOURCES):
                return redirect(_two_factor_url(user, request.get_full_path()))
            anonymous = _anonymous()
            request.user = anonymous
            if hasattr(request, "auser"):

                async def auser():
                    return anonymous

                request.auser = auser
        response = self.get_response(request)
        signed_in = getattr(request, "user", None)
        if (
            response.status_code in (301, 302, 303)
            and signed_in is not None
            and signed_in.is_authenticated
            and (held_back or signed_in.pk != before)
            and _is_unverified(signed_in)
            and must_use_two_factor(signed_in)
        ):
            # This request logged someone in with a password: the second factor comes next.
            return redirect(_two_factor_url(signed_in, response.get("Location") or "/"))
        return response


# --- Recovery codes ------------------------------------------------------------------------------


def issue_recovery_codes(user) -> list[str]:
    """Replace ``user``'s recovery codes by ``RECOVERY_CODE_COUNT`` new single-use ones and return
    them (to show once: only the person sees them, then they are only checked). They are
    django-otp static tokens: the check screen accepts them in place of the app's code, each once;
    django-otp throttles wrong guesses as for the app's codes."""
    from django.db import transaction
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())  # 8 characters of base32: 40 random bits
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


def remaining_recovery_codes(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Page and collection passwords ---------------------------------------------------------------


def throttled_password_view(view, kind: str):
    """Wrap Wagtail's page-password (or document-collection-password) form so that wrong
    passwords count like wrong logins (issue 15, item 8): django-axes records each failure in the
    database, shared by every worker and node, under a name of its own per restriction
    (``mot-de-passe:page:<id>``), and locks out by that name and by address with the logins'
    limit and cool-off. A locked-out client gets the logins' 429 page and its password is not
    even checked."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_lockout_response
    from django.contrib.auth.signals import user_login_failed

    def throttled(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        restriction_id = kwargs.get("page_view_restriction_id") or kwargs.get("restriction_id")
        credentials = {"username": f"mot-de-passe:{kind}:{restriction_id}"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        response = view(request, *args, **kwargs)
        if response.status_code != 302:  # the form again: the password was wrong
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return get_lockout_response(request, credentials=credentials)
        return response

    return throttled
