"""Small typed readers for environment variables.

Each helper fails loudly (``ImproperlyConfigured`` naming the variable and the bad value) rather than
silently falling back, so that a typo in a production configuration stops the server at start instead
of running it with a default nobody chose. Every variable read here is documented in
``docs/configuration.md``; ``tests/test_configuration_docs.py`` keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

#: Every variable name read through these helpers, so tests can compare it with the docs.
READ_VARIABLES: set[str] = set()


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    READ_VARIABLES.add(name)
    return (os.environ if environ is None else environ).get(name)


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number}: must be >= {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number}: must be <= {maximum}")
    return number


def env_list(
    name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(
    name: str, choices: list[str], default: str, *, environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    if value is None or not value.strip():
        return default
    value = value.strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def env_url(
    name: str,
    default: str,
    *,
    schemes: tuple[str, ...] = ("http", "https"),
    environ: Mapping[str, str] | None = None,
) -> str:
    value = env_str(name, default, environ=environ)
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ImproperlyConfigured(
            f"{name}={value!r}: expected an absolute URL with scheme {' or '.join(schemes)}"
        )
    return value.rstrip("/")


def parse_email_url(name: str, value: str) -> dict[str, object]:
    """Turn ``smtp://user:pass@host:587?tls=1`` (or ``console://``, ``locmem://``,
    ``file:///path``, ``dummy://``) into Django e-mail settings.

    Written here rather than pulled from a package because it is twenty lines and the accepted
    schemes must match exactly what docs/configuration.md promises.
    """
    parts = urlsplit(value)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"{name}={value!r}: scheme must be one of {', '.join(sorted(backends))}"
        )
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    config: dict[str, object] = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme in ("smtp", "smtps"):
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r}: bad port") from None
        config.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=options.get("tls", "0").lower() in _TRUE,
            EMAIL_TIMEOUT=int(options.get("timeout", "10")),
        )
    elif parts.scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(parts.path) or "/tmp/redac-mail"  # noqa: S108
    return config
