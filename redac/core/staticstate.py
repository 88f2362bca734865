"""Collect static files only when they changed (issue 17: ``collectstatic`` doubled start-up).

``redac serve`` used to run ``collectstatic`` on every start: hashing and compressing every file
of Wagtail's admin again, for nothing most of the time. It now computes a fingerprint of what
``collectstatic`` would read (each source file's path, size and modification time, as the
finders list them, and the storage that writes them) and runs it only when the fingerprint differs
from the one written after the last successful run, or when the manifest is missing. An upgrade
(new files, new versions of Wagtail's) changes the fingerprint; so does editing a file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings

STATE_FILE = ".redac-static-fingerprint"
MANIFEST = "staticfiles.json"


def fingerprint() -> str:
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    digest = hashlib.sha256()
    digest.update(f"{type(staticfiles_storage).__module__}.{type(staticfiles_storage).__name__}"
                  f"\n{settings.STATIC_URL}\n".encode())  # fmt: skip
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            try:
                stat = os.stat(storage.path(path))
            except (OSError, NotImplementedError):
                stat = None
            entries.append((os.path.join(prefix, path),
                            (stat.st_size, stat.st_mtime_ns) if stat else (-1, -1)))  # fmt: skip
    for name, (size, mtime) in sorted(entries):
        digest.update(f"{name}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


def collect_if_changed(*, collect=None) -> bool:
    """Run ``collectstatic`` if the static files changed since it last ran; True if it ran."""
    root = Path(settings.STATIC_ROOT)
    current = fingerprint()
    state = root / STATE_FILE
    try:
        unchanged = state.read_text().strip() == current and (root / MANIFEST).is_file()
    except OSError:
        unchanged = False
    if unchanged:
        return False
    if collect is None:
        from django.core.management import call_command

        def collect():
            call_command("collectstatic", interactive=False, verbosity=0)

    collect()
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f"{STATE_FILE}.{os.getpid()}"
    tmp.write_text(current + "\n")
    tmp.replace(state)  # written only after a run that succeeded
    return True
