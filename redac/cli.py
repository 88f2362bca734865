"""The ``redac`` command: Django's management commands, plus ``redac serve`` and ``redac demo``.

``redac serve`` and ``redac demo`` are management commands of ``redac.core``; this entry point only
selects the settings module so that an operator never types ``DJANGO_SETTINGS_MODULE``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["redac", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A bad environment variable: one clear line, not a traceback.
        print(f"redac: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
