"""Security of the admin: login throttling (django-axes) and two-factor authentication
(django-otp, TOTP).

Why django-otp rather than allauth's MFA or wagtail-2fa: Wagtail 8 keeps its own login view, and
django-otp is the maintained primitive that plugs into it without replacing it (allauth would
replace the whole login flow; wagtail-2fa pins older Wagtail versions). The setup and check screens
below are the small part that is ours: a middleware that, for /admin/, sends a user who has a
device but has not yet typed a code to the check screen, and a user whose role requires 2FA
(Administrateur, Webmestre, superusers) but has no device yet to the set-up screen.
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


#: Admin paths a user who has not passed 2FA may still open.
_OPEN_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/2fa/", "/admin/jsi18n/",
                  "/admin/password_reset/")  # fmt: skip


class AdminTwoFactorMiddleware:
    """After django_otp's OTPMiddleware: ``request.user.is_verified()`` says whether a code was
    typed in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = getattr(request, "user", None)
        if (
            path.startswith("/admin/")
            and not path.startswith(_OPEN_PREFIXES)
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
        ):
            query = urlencode({"next": request.get_full_path()})
            if has_confirmed_device(user):
                return redirect(f"{reverse('newsroom_2fa_verify')}?{query}")
            if two_factor_required(user):
                return redirect(f"{reverse('newsroom_2fa_setup')}?{query}")
        return self.get_response(request)


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
