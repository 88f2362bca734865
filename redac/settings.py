"""redac settings: one module, configured only through environment variables.

Every variable goes through the typed helpers of ``redac.core.lib.env`` (which fail loudly on bad
values) and is documented in docs/configuration.md. Defaults give a working local site on SQLite in
``./data``; production is the same file with ``REDAC_SITE_URL=https://...`` and friends.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from redac.core.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
    parse_email_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent

# --- Where data lives --------------------------------------------------------------------------
DATA_DIR = Path(env_str("REDAC_DATA_DIR", str(Path.cwd() / "data"))).expanduser().resolve()
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(f"REDAC_DATA_DIR={DATA_DIR}: cannot create it ({exc})") from None

DEBUG = env_bool("REDAC_DEBUG", False)


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept (mode 0600) in the data dir."""
    value = env_str("REDAC_SECRET_KEY")
    if value:
        if len(value) < 50 or len(set(value)) < 5:
            raise ImproperlyConfigured("REDAC_SECRET_KEY: must be at least 50 varied characters")
        return value
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# --- Public address ------------------------------------------------------------------------------
SITE_URL = env_url("REDAC_SITE_URL", "http://127.0.0.1:8000")
_site = urlsplit(SITE_URL)
HTTPS = _site.scheme == "https"
WAGTAILADMIN_BASE_URL = SITE_URL

ALLOWED_HOSTS = env_list(
    "REDAC_ALLOWED_HOSTS", [_site.hostname or "127.0.0.1", "localhost", "127.0.0.1"]
)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

# --- Applications --------------------------------------------------------------------------------
INSTALLED_APPS = [
    "redac.core",
    "redac.news",
    "redac.flash",
    "redac.spipimport",  # issue 4: redac import-spip
    "redac.search",  # issue 7: French full-text search (label "redac_search")
    "redac.delivery",
    "wagtail.contrib.frontend_cache",
    "redac.visits",
    "redac.contact",
    "redac.comments",
    "redac.newsletter",
    "redac.reserve",
    "redac.petitions",  # issue 20: petitions on articles
    "redac.agenda",  # issue 21: events, the « Agenda » page, iCalendar feeds
    "redac.newsroom",  # before wagtail.*: its French catalogue names the SPIP statuses
    "redac.theme",  # the public theme's page chrome (template tags over the content apps)
    "redac.demo",  # redac demo: above every content app, imported by none
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.forms",
    "wagtail.embeds",
    "wagtail.sites",
    "redac.newsroom.user_apps.NewsroomUsersConfig",  # wagtail.users with the newsroom's user screens
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # single-use recovery codes (newsroom.security)
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "redac.core.middleware.NoEmptyHeadersMiddleware",  # no "Content-Encoding: None" (issue 15)
    "django.middleware.security.SecurityMiddleware",
    "redac.core.middleware.SecurityHeadersMiddleware",
    "redac.delivery.middleware.DeliveryMiddleware",  # marks shareable responses (page cache)
    "redac.core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "redac.newsroom.security.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # issue 4: old SPIP addresses (spip.php?article12, IMG/..., propres slugs) answer 301.
    "redac.spipimport.middleware.LegacyURLMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "redac.urls"
WSGI_APPLICATION = "redac.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'redac.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
except Exception as exc:  # dj_database_url raises several types for bad URLs
    raise ImproperlyConfigured(f"DATABASE_URL={DATABASE_URL!r}: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("REDAC_SQLITE_TIMEOUT", 20, minimum=1),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL={DATABASE_URL!r}: redac supports sqlite:/// and postgres:// URLs"
    )
# Persistent connections: opening one (and, for SQLite, running its PRAGMAs) on every request
# costs more than many of the queries a page makes.
_db["CONN_MAX_AGE"] = env_int("REDAC_DB_CONN_MAX_AGE", 60, minimum=0)
_db["CONN_HEALTH_CHECKS"] = True
_test_name = env_str("REDAC_TEST_DB_NAME")
if _test_name:
    _db["TEST"] = {"NAME": _test_name}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches --------------------------------------------------------------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "django"),
    },
}

# --- Page cache, static publishing, CDN (redac.delivery; docs/performance.md) -------------------
REDAC_PAGE_CACHE = {
    "ENABLED": env_bool("REDAC_PAGE_CACHE", True),
    "ROOT": DATA_DIR / "cache" / "pages",
    "URL": env_str("REDAC_CACHE_URL", ""),
    # Every Redis key redac writes starts with this: two sites on one Redis never share entries.
    "REDIS_PREFIX": env_str("REDAC_REDIS_PREFIX", "redac:"),
    "TTL": env_int("REDAC_PAGE_CACHE_TTL", 86400, minimum=1),
    "ERROR_TTL": 30,
    "CDN_MAX_AGE": env_int("REDAC_CDN_MAX_AGE", 300, minimum=0),
    "MAX_BYTES": env_int("REDAC_PAGE_CACHE_MAX_MB", 512, minimum=1) * 1024 * 1024,
    "MEMORY_BYTES": env_int("REDAC_PAGE_CACHE_MEMORY_MB", 64, minimum=0) * 1024 * 1024,
    "CHECK_INTERVAL": 0.1,
    "PUBLISH_DIR": env_str("REDAC_PUBLISH_DIR", ""),
}
#: ``X-Cache: HIT``/``MISS`` on pages: tells anyone whether a URL was requested recently, so off
#: unless asked for (the demo and the tests turn it on; docs/scaling.md uses it to check nginx).
REDAC_X_CACHE_HEADER = env_bool("REDAC_X_CACHE_HEADER", False)
if REDAC_PAGE_CACHE["URL"] and not REDAC_PAGE_CACHE["URL"].startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("REDAC_CACHE_URL: expected redis://host:6379/0 or rediss://...")
# The shared store (redac.core.lib.shared): short timeouts, and a breaker: after a failure nothing
# waits on Redis for REDAC_REDIS_RETRY_SECONDS.
REDAC_REDIS_TIMEOUT_MS = env_int("REDAC_REDIS_TIMEOUT_MS", 250, minimum=10, maximum=10_000)
REDAC_REDIS_RETRY_SECONDS = env_int("REDAC_REDIS_RETRY_SECONDS", 2, minimum=1, maximum=300)
if REDAC_PAGE_CACHE["URL"]:
    # Django's cache shared too: Wagtail's site root paths, rate limits, login throttles.
    CACHES = {
        "default": {
            "BACKEND": "redac.core.cache.SharedCache",
            "LOCATION": REDAC_PAGE_CACHE["URL"],
            "KEY_PREFIX": REDAC_PAGE_CACHE["REDIS_PREFIX"] + "dj",
        }
    }
_cdn_purge_url = env_str("REDAC_CDN_PURGE_URL", "")
WAGTAILFRONTENDCACHE = (
    {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": _cdn_purge_url,
        }
    }  # fmt: skip
    if _cdn_purge_url
    else {}
)

# --- Tasks (django-tasks): immediate until the background worker lands ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Languages -----------------------------------------------------------------------------------
# The public site speaks the site's language, whatever the reader's browser asks for (no
# LocaleMiddleware: a French newsroom's pages must not switch their chrome to English, and cached
# pages must not vary on Accept-Language). Each admin user picks their own language in Wagtail.
LANGUAGE_CODE = env_choice("REDAC_LANGUAGE", ["fr", "en"], "fr")
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("REDAC_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    # Renditions without metadata and readable by nginx, originals and documents private.
    "default": {"BACKEND": "redac.core.storage.MediaStorage"},
    # Hashed names let whitenoise (and nginx) serve static files with a one-year Cache-Control.
    "staticfiles": {"BACKEND": "redac.core.storage.StaticStorage"},
}
WHITENOISE_MAX_AGE = 3600
# The feeds' XSLT stylesheet (static/redac/feed.xsl): a browser applies it only when it is served
# as XML, and nosniff forbids guessing.
WHITENOISE_MIMETYPES = {".xsl": "text/xsl; charset=utf-8"}

# --- Wagtail -------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("REDAC_SITE_NAME", "redac")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: an avatar must not tell a third party who opens the admin, and the CSP blocks it
# anyway (issue 16). People upload their own picture in their account, or get Wagtail's default.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_USER_LOGIN_FORM = (
    "redac.newsroom.forms.LoginForm"  # « Mot de passe », not « Password »
)
# --- Uploads (security cases 35-43, redac/core/uploads.py) ---------------------------------------
# Content checked against the extension, server-generated names, GPS removed from originals.
WAGTAILIMAGES_IMAGE_FORM_BASE = "redac.core.uploads.SafeImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "redac.core.uploads.SafeDocumentForm"
# Every document is downloaded ("attachment") except PDF, which readers expect to open in the
# browser: its magic bytes are checked at upload and Wagtail serves it with
# "Content-Security-Policy: default-src 'none'" and nosniff, so it cannot run script in our origin.
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# --- Embedded players and maps (redac.core.embeds) ------------------------------------------------
# The providers whose players or maps may be embedded, in SPIP text (<iframe>), the rich-text
# editor and the « Vidéo ou son » block, always as click-to-load facades; the CSP's frame-src lists
# exactly them. Known names: youtube, vimeo, dailymotion, soundcloud, openstreetmap; a PeerTube
# instance as peertube:<host>. An editor pasting any other address gets a validation error, and
# nothing else ever becomes an iframe (security case 61).
REDAC_EMBED_PROVIDERS = env_list(
    "REDAC_EMBED_PROVIDERS", ["youtube", "vimeo", "dailymotion", "soundcloud", "openstreetmap"]
)
try:
    from redac.typo.embeds import providers_from_names

    _embed_providers = providers_from_names(REDAC_EMBED_PROVIDERS)
except ValueError as exc:
    raise ImproperlyConfigured(f"REDAC_EMBED_PROVIDERS: {exc}") from None
from wagtail.embeds import oembed_providers as _oembed  # noqa: E402

_OEMBED = {"youtube": _oembed.youtube, "vimeo": _oembed.vimeo,
           "dailymotion": _oembed.dailymotion, "soundcloud": _oembed.soundcloud}  # fmt: skip
WAGTAILEMBEDS_FINDERS = [
    # OpenStreetMap and PeerTube addresses become embeds without asking anyone
    {"class": "redac.core.embeds.KnownProvidersFinder"},
    {
        "class": "wagtail.embeds.finders.oembed",
        "providers": [_OEMBED[p.name] for p in _embed_providers if p.name in _OEMBED],
    },
]
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": [
                "h2",
                "h3",
                "bold",
                "italic",
                "ol",
                "ul",
                "link",
                "document-link",
                "hr",
                "embed",
            ]  # fmt: skip
        },
    }
}

# --- E-mail --------------------------------------------------------------------------------------
_email_url = env_str("REDAC_EMAIL_URL", "console://")
globals().update(parse_email_url("REDAC_EMAIL_URL", _email_url))
# Without a name of its own, the From: is named after the site identity (redac.core.mail).
DEFAULT_FROM_EMAIL = env_str("REDAC_DEFAULT_FROM_EMAIL", f"noreply@{_site.hostname}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("REDAC_BEHIND_PROXY", False):
    # Only when a reverse proxy that sets this header is the sole way in (docs/operations.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# --- Network: who is the client ------------------------------------------------------------------
# Proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs): only when the TCP peer
# is one of them is the client taken from that header, for everything that needs the client's
# address (visit counter, rate limits, logs; security case 33, redac.core.lib.net). Empty: the
# socket's address only, whatever header a client sends.
REDAC_TRUSTED_PROXIES = env_list("REDAC_TRUSTED_PROXIES", [])
for _proxy in REDAC_TRUSTED_PROXIES:
    try:
        __import__("ipaddress").ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"REDAC_TRUSTED_PROXIES: {_proxy!r}: not an IP/CIDR") from None
SECURE_SSL_REDIRECT = HTTPS and env_bool("REDAC_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("REDAC_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Bounded request sizes (security case 5): Django refuses larger bodies before parsing them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000
FILE_UPLOAD_PERMISSIONS = 0o640

LOGIN_URL = "wagtailadmin_login"

# --- Visits (redac.visits): cookieless audience measurement, docs/privacy.md ------------------
# Proxies whose X-Forwarded-For is believed: REDAC_TRUSTED_PROXIES (« Network » above), one
# setting for the visit counter, rate limits and logs.
# Do Not Track / Global Privacy Control: such readers are not counted (the readers' opt-out).
VISITS_HONOUR_DNT = env_bool("REDAC_VISITS_HONOUR_DNT", True)
# Group commit: how long (ms) the writer waits for more beacons before committing a batch.
VISITS_BATCH_MS = env_int("REDAC_VISITS_BATCH_MS", 5, minimum=0, maximum=1000)
# Daily series and referrers older than this many months are deleted (CNIL: at most 25).
VISITS_RETENTION_MONTHS = env_int("REDAC_VISITS_RETENTION_MONTHS", 25, minimum=1, maximum=25)
# --- Newsroom: admin login security (redac.newsroom) ---------------------------------------------
# django-axes counts failed logins per account AND per address, separately (security case 44):
# guessing one account's password from many addresses, or many accounts from one address, is
# stopped. The error shown is Wagtail's single message for unknown user and wrong password.
AUTHENTICATION_BACKENDS = [
    "redac.newsroom.security.ThrottledModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("REDAC_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("REDAC_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "redac.newsroom.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "newsroom/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Two-factor authentication (django-otp, TOTP): required for Administrateur, Webmestre and
# superusers, available to every staff member (redac.newsroom.security).
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
REDAC_2FA_REQUIRED_FOR_SUPERUSERS = True

# --- Logging -------------------------------------------------------------------------------------
# One line per event: time, level, logger, process, request id (redac.core.logs); repeated errors
# rate-limited; JSON lines with REDAC_LOG_FORMAT=json; one line per request with REDAC_ACCESS_LOG=1.
REDAC_ACCESS_LOG = env_bool("REDAC_ACCESS_LOG", False)
# GET /metrics (Prometheus) answers only with "Authorization: Bearer <this>"; unset: no metrics.
REDAC_METRICS_TOKEN = env_str("REDAC_METRICS_TOKEN", "")
if REDAC_METRICS_TOKEN and len(REDAC_METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("REDAC_METRICS_TOKEN: at least 16 characters")
_log_level = env_str("REDAC_LOG_LEVEL", "WARNING").upper()
if _log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
    raise ImproperlyConfigured(
        f"REDAC_LOG_LEVEL={_log_level!r}: expected DEBUG, INFO, WARNING or ERROR"
    )
LOGGING = __import__("redac.core.logs", fromlist=["logging_config"]).logging_config(
    level=_log_level,
    json_format=env_choice("REDAC_LOG_FORMAT", ["text", "json"], "text") == "json",
    access_log=REDAC_ACCESS_LOG,
)

# --- Readers who write: contact, comments, newsletter (issue 8) ----------------------------------
REDAC_CONTACT_RETENTION_DAYS = env_int("REDAC_CONTACT_RETENTION_DAYS", 365, minimum=1)
REDAC_OUTBOX_CLAIM_SECONDS = env_int("REDAC_OUTBOX_CLAIM_SECONDS", 300, minimum=1)
REDAC_FORM_MIN_SECONDS = env_int("REDAC_FORM_MIN_SECONDS", 3, minimum=0)
# Issue 20: confirmed signatures are erased this many days after their petition closes (imported
# ones, which carry no consent record, this many days after their import).
REDAC_PETITION_RETENTION_DAYS = env_int("REDAC_PETITION_RETENTION_DAYS", 180, minimum=1)
# Issue 22: sending letters (redac.newsletter.sending). Messages per second handed to the SMTP
# relay (0: as fast as it takes them), rows per batch of the background job, and temporary
# bounces after which an address gets no more letters.
REDAC_NEWSLETTER_RATE = env_int("REDAC_NEWSLETTER_RATE", 20, minimum=0)
REDAC_NEWSLETTER_BATCH = env_int("REDAC_NEWSLETTER_BATCH", 200, minimum=1)
REDAC_NEWSLETTER_SOFT_BOUNCES = env_int("REDAC_NEWSLETTER_SOFT_BOUNCES", 3, minimum=1)
