"""Test overlay: the real settings, plus what makes the suite fast and hermetic."""

import os
import tempfile

os.environ.setdefault("REDAC_DATA_DIR", tempfile.mkdtemp(prefix="redac-test-"))
os.environ.setdefault("REDAC_EMAIL_URL", "locmem://")
os.environ.setdefault("REDAC_X_CACHE_HEADER", "1")  # the tests read X-Cache (off in production)

from redac.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns without it)

# The "admin" persona (tests/support/personas.py) is a superuser logged in with force_login (no
# second factor): other apps' admin tests use it. redac.newsroom's tests switch this back on to test
# that superusers are held to 2FA like Administrateur/Webmestre.
REDAC_2FA_REQUIRED_FOR_SUPERUSERS = False

# Each pytest-xdist worker has its own page cache (and so its own generation token): the data dir
# is shared by the workers, and another worker's publications would otherwise keep expiring this
# worker's site-wide fragments (redac.delivery.chrome), making query counts depend on timing.
if os.environ.get("PYTEST_XDIST_WORKER"):
    REDAC_PAGE_CACHE = {
        **REDAC_PAGE_CACHE,  # noqa: F405
        "ROOT": DATA_DIR / "cache" / f"pages-{os.environ['PYTEST_XDIST_WORKER']}",  # noqa: F405
    }
