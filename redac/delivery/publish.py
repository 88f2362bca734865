"""Static publishing (``REDAC_PUBLISH_DIR``): cached pages also written as plain files that nginx
serves with ``try_files`` (docs/deploy/nginx.conf), falling back to redac for everything else.

Only what nginx can serve without asking redac is written: 200 HTML responses to ``/a/b/`` paths
with no query string, as ``a/b/index.html`` and ``a/b/index.html.gz`` (for ``gzip_static``).
Paths with characters other than ASCII letters, digits, ``-``, ``_`` and ``.`` are left to redac,
because nginx's notion of the decoded URI and the file system's names would have to agree byte for
byte. Files are written under a temporary name and renamed, so nginx never serves half a page.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")
INDEX = "index.html"


def published_dir(root: Path, path: str) -> Path | None:
    """The directory holding ``index.html`` for a URL path, or None if it is not publishable."""
    if not path.startswith("/") or not path.endswith("/"):
        return None
    parts = [p for p in path.split("/") if p]
    if len(parts) != path.count("/") - 1 or len(parts) > 24:
        return None  # empty segments ("//")
    if not all(_SAFE_SEGMENT.match(p) for p in parts):
        return None
    return root.joinpath(*parts)


class Publisher:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def publish(self, path: str, body: bytes, gzip_body: bytes | None) -> bool:
        directory = published_dir(self.root, path)
        if directory is None:
            return False
        directory.mkdir(parents=True, exist_ok=True)
        stamp = f"{os.getpid()}.{threading.get_ident()}"
        # The .gz first: nginx must never find an index.html.gz older than its index.html.
        for name, data in ((INDEX + ".gz", gzip_body), (INDEX, body)):
            target = directory / name
            if data is None:
                target.unlink(missing_ok=True)
                continue
            tmp = directory / f".{name}.{stamp}.tmp"
            tmp.write_bytes(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        return True

    def remove(self, paths=(), prefixes=()):
        for path in paths:
            directory = published_dir(self.root, path if path.endswith("/") else path + "/")
            if directory is not None:
                # index.html first: from then on nginx falls back to redac.
                for name in (INDEX, INDEX + ".gz"):
                    (directory / name).unlink(missing_ok=True)
        for prefix in prefixes:
            self._remove_prefix(prefix)

    def _remove_prefix(self, prefix: str):
        if prefix.endswith("/"):
            directory = published_dir(self.root, prefix)
            targets = [directory] if directory is not None else []
        else:
            head, _, tail = prefix.rpartition("/")
            parent = published_dir(self.root, head + "/")
            try:
                targets = [p for p in parent.iterdir() if p.name.startswith(tail)] if parent else []
            except (FileNotFoundError, NotADirectoryError):
                targets = []
        for target in targets:
            if target == self.root:
                self.clear()
                continue
            trash = self.root / f".trash.{os.getpid()}.{threading.get_ident()}.{time.time_ns()}"
            try:
                os.replace(target, trash)
            except FileNotFoundError:
                continue
            shutil.rmtree(trash, ignore_errors=True)

    def clear(self):
        """Everything removed, the folder itself kept (nginx's root must exist)."""
        for child in list(self.root.iterdir()):
            trash = self.root / f".trash.{os.getpid()}.{threading.get_ident()}.{time.time_ns()}"
            try:
                os.replace(child, trash)
            except FileNotFoundError:
                continue
            if trash.is_dir():
                shutil.rmtree(trash, ignore_errors=True)
            else:
                trash.unlink(missing_ok=True)
