"""Where cached pages live: files in the data directory (default) or Redis, with a small in-process
memory layer in front of either.

Why our own ~300 lines rather than Django's cache framework: a hit must cost a dictionary lookup,
not a pickle load and a backend round trip; the entries must be found by URL *prefix* for precise
invalidation (a section and everything under it); and every worker must see an invalidation within
a second. Django's cache API has no prefix deletion and no cheap cross-process "something changed"
signal.

Consistency model. Every invalidation changes a *generation token* shared by all workers (the
inode/mtime of ``.generation`` in the file store, a counter key in Redis). Each worker compares it
with the token it last saw at most every ``check_interval`` seconds (0.1 s by default) and drops its
memory layer when it changed, so a worker never serves an invalidated page for longer than that. A
miss remembers the token before rendering; if an invalidation happened while the page was being
rendered, the (possibly stale) result is not stored. Storing and invalidating hold the same lock,
so neither can interleave with the other.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import brotli

#: Above this size an entry is not stored (such a page is a bug or an attack, not a news page).
MAX_ENTRY_BYTES = 4 * 1024 * 1024
#: Bodies smaller than this are not compressed: the headers would cost more than the gain.
MIN_COMPRESS_BYTES = 512
_MAX_SEGMENT = 200
_MAX_DEPTH = 24


# --- Entries -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Entry:
    """One cached response: status, headers as Django produced them, and the body in each encoding.

    The header lists for each encoding are computed once here so that a hit only picks one.
    """

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: str
    modified_at: float
    expires_at: float
    gzip_body: bytes | None = None
    br_body: bytes | None = None
    variants: dict = field(default_factory=dict, repr=False)
    not_modified: list = field(default_factory=list, repr=False)

    def __post_init__(self):
        validators = [("ETag", self.etag), ("Last-Modified", self.last_modified)]
        base = self.headers + validators
        self.variants = {
            "identity": (base + [("Content-Length", str(len(self.body)))],
                         self.body),
        }  # fmt: skip
        if self.gzip_body is not None:
            self.variants["gzip"] = (
                base + [("Content-Encoding", "gzip"),
                        ("Content-Length", str(len(self.gzip_body)))],
                self.gzip_body,
            )  # fmt: skip
        if self.br_body is not None:
            self.variants["br"] = (
                base + [("Content-Encoding", "br"),
                        ("Content-Length", str(len(self.br_body)))],
                self.br_body,
            )  # fmt: skip
        # RFC 9110 15.4.5: a 304 repeats the validators and the caching headers, nothing else.
        keep = {"cache-control", "vary", "content-security-policy", "expires"}
        self.not_modified = [(k, v) for k, v in self.headers if k.lower() in keep] + validators

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzip_body or b"") + len(self.br_body or b"") + 512

    @classmethod
    def build(cls, status, headers, body, *, expires_at, modified_at=None, compress=True):
        """A new entry from a Django response: validators computed, encodings precompressed."""
        modified_at = modified_at or time.time()
        from email.utils import formatdate

        etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        gz = br = None
        if compress and len(body) >= MIN_COMPRESS_BYTES:
            gz = gzip.compress(body, compresslevel=9, mtime=0)
            br = brotli.compress(body, quality=9)
        return cls(status=status, headers=list(headers), body=body, etag=etag,
                   last_modified=formatdate(modified_at, usegmt=True), modified_at=modified_at,
                   expires_at=expires_at, gzip_body=gz, br_body=br)  # fmt: skip

    # A compact binary form shared by the file and Redis stores: one JSON line, then the bodies.
    def dumps(self) -> bytes:
        bodies = [self.body, self.gzip_body, self.br_body]
        head = {
            "v": 1, "status": self.status, "headers": self.headers, "etag": self.etag,
            "last_modified": self.last_modified, "modified_at": self.modified_at,
            "expires_at": self.expires_at, "sizes": [None if b is None else len(b) for b in bodies],
        }  # fmt: skip
        return (
            json.dumps(head, separators=(",", ":")).encode()
            + b"\n"
            + b"".join(b for b in bodies if b)
        )

    @classmethod
    def loads(cls, data: bytes) -> Entry | None:
        try:
            newline = data.index(b"\n")
            head = json.loads(data[:newline])
            if head.get("v") != 1:
                return None
            offset, bodies = newline + 1, []
            for size in head["sizes"]:
                if size is None:
                    bodies.append(None)
                else:
                    bodies.append(data[offset : offset + size])
                    offset += size
            if offset != len(data):
                return None  # truncated or corrupt: treat as absent
            return cls(status=head["status"], headers=[tuple(h) for h in head["headers"]],
                       body=bodies[0], etag=head["etag"], last_modified=head["last_modified"],
                       modified_at=head["modified_at"], expires_at=head["expires_at"],
                       gzip_body=bodies[1], br_body=bodies[2])  # fmt: skip
        except (ValueError, KeyError, TypeError, IndexError):
            return None


# --- Keys and paths ------------------------------------------------------------------------------


def path_segments(path: str) -> list[str] | None:
    """The URL path as file-name-safe segments, or None when it cannot be cached (``..``, ``//``,
    too long). ``path`` is a WSGI PATH_INFO (bytes decoded as latin-1); every byte outside a small
    safe set is percent-encoded, which keeps prefixes prefixes (for ``/sitemap-*``)."""
    if not path.startswith("/"):
        return None
    parts = path[1:].split("/")
    if parts and parts[-1] == "":
        parts.pop()
    if len(parts) > _MAX_DEPTH:
        return None
    segments = []
    for part in parts:
        if part in ("", ".", ".."):
            return None
        encoded = quote(part.encode("latin-1", "replace"), safe="-._~")
        if len(encoded) > _MAX_SEGMENT:
            return None
        segments.append(encoded)
    return segments


def entry_name(host: str, path: str, page: str) -> str:
    """File name of one variant of a path: trailing slash or not, host and page number."""
    slash = "s" if path.endswith("/") else "n"
    digest = hashlib.blake2b(f"{host}\n{page}".encode("latin-1", "replace"), digest_size=10)
    return f"@{slash}{digest.hexdigest()}"


class MemoryLayer:
    """A bounded LRU of entries in this process, by total bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.items: OrderedDict = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key):
        entry = self.items.get(key)
        if entry is not None:
            try:
                self.items.move_to_end(key)
            except KeyError:  # removed by another thread meanwhile
                pass
        return entry

    def put(self, key, entry: Entry):
        if entry.size > self.max_bytes:
            return
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self.items[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes and self.items:
                _, evicted = self.items.popitem(last=False)
                self.bytes -= evicted.size

    def discard(self, key):
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.bytes -= old.size

    def clear(self):
        with self.lock:
            self.items.clear()
            self.bytes = 0


class BaseStore(abc.ABC):
    """What the WSGI layer and the invalidation code need from a store."""

    #: Shared by several nodes (Redis), or this machine's own (files).
    shared = False
    #: Invalidations written but not yet applied (redac.delivery.outbox.Pending), or None.
    pending = None

    def __init__(self, *, memory_bytes: int, check_interval: float):
        self.memory = MemoryLayer(memory_bytes)
        self.check_interval = check_interval
        self._next_check = 0.0
        self._seen_token = None

    # The fast path: memory, then the shared store.
    def get(self, key: tuple[str, str, str]) -> Entry | None:
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + self.check_interval
            token = self.token()
            if token is None and self.shared:
                pass  # the shared store does not answer: keep the memory layer (minus pending)
            elif token != self._seen_token:
                self._seen_token = token
                self.memory.clear()
        pending = self.pending
        if pending and pending.names(key[1]):
            return None  # a purge of this path is not applied yet: from no layer
        entry = self.memory.get(key)
        if entry is None:
            entry = self._load(key)
            if entry is None:
                return None
            self.memory.put(key, entry)
        if entry.expires_at <= time.time():
            self.memory.discard(key)
            return None
        return entry

    @abc.abstractmethod
    def token(self):
        raise NotImplementedError

    @abc.abstractmethod
    def _load(self, key) -> Entry | None:
        raise NotImplementedError

    @abc.abstractmethod
    def put(self, key, entry: Entry, token, after=None) -> bool:
        """Store unless an invalidation happened since ``token`` was read (then the rendering may
        predate the change). Returns whether it was stored."""
        raise NotImplementedError

    @abc.abstractmethod
    def invalidate(self, paths=(), prefixes=()) -> list[str]:
        """Remove every variant of each path, and every path starting with each prefix; return the
        paths that were found (for the CDN purge)."""
        raise NotImplementedError

    @abc.abstractmethod
    def ping(self) -> bool:
        """Does the store answer now (``/readyz``)? Raises or returns False when it does not."""
        return True

    def clear(self) -> list[str]:
        raise NotImplementedError


class FileStore(BaseStore):
    """Entries as files under ``root/p/<path segments>/@<variant>``, shared by every worker on the
    machine. Bounded by ``max_bytes`` (oldest entries removed first)."""

    def __init__(self, root: Path, *, max_bytes: int, memory_bytes: int,
                 check_interval: float = 0.1):  # fmt: skip
        super().__init__(memory_bytes=memory_bytes, check_interval=check_interval)
        self.root = Path(root)
        self.pages = self.root / "p"
        self.pages.mkdir(parents=True, exist_ok=True)
        self.generation = self.root / ".generation"
        self.lock_file = self.root / ".lock"
        self.max_bytes = max_bytes
        self._written = 0
        if not self.generation.exists():
            self._bump()

    def token(self):
        try:
            st = os.stat(self.generation)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def ping(self) -> bool:
        self.root.mkdir(parents=True, exist_ok=True)
        return os.access(self.root, os.W_OK | os.X_OK)

    @contextlib.contextmanager
    def _locked(self):
        with open(self.lock_file, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _bump(self):
        """A new generation file (new inode): every worker sees a different token."""
        try:
            seq = int(self.generation.read_text() or 0)
        except (FileNotFoundError, ValueError):
            seq = 0
        tmp = self.root / f".generation.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(str(seq + 1))
        os.replace(tmp, self.generation)
        self.memory.clear()

    def _file(self, key) -> Path | None:
        host, path, page = key
        segments = path_segments(path)
        if segments is None:
            return None
        return self.pages.joinpath(*segments, entry_name(host, path, page))

    def _load(self, key):
        file = self._file(key)
        if file is None:
            return None
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return Entry.loads(data)

    def put(self, key, entry, token, after=None) -> bool:
        file = self._file(key)
        if file is None or entry.size > MAX_ENTRY_BYTES:
            return False
        data = entry.dumps()
        with self._locked():
            if self.token() != token:
                return False
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_name(f".tmp.{os.getpid()}.{threading.get_ident()}")
            tmp.write_bytes(data)
            os.replace(tmp, file)
            if after is not None:
                after()  # static publishing, under the same lock as invalidation
        self.memory.put(key, entry)
        self._written += len(data)
        if self._written > self.max_bytes // 20:
            self._written = 0
            self.enforce_limit()
        return True

    def invalidate(self, paths=(), prefixes=()) -> list[str]:
        found: list[str] = []
        with self._locked():
            for path in paths:
                segments = path_segments(path)
                if segments is None:
                    continue
                directory = self.pages.joinpath(*segments)
                wanted = "@s" if path.endswith("/") else "@n"
                for file in _entries_in(directory):
                    if file.name.startswith(wanted):
                        file.unlink(missing_ok=True)
                        found.append(path)
            for prefix in prefixes:
                found.extend(self._remove_prefix(prefix))
            self._bump()
        return sorted(set(found))

    def _remove_prefix(self, prefix: str) -> list[str]:
        """``/actualite/`` removes that page and everything under it; ``/sitemap-`` every path whose
        first segment starts with ``sitemap-``."""
        whole_segment = prefix.endswith("/")
        segments = path_segments(prefix if whole_segment else prefix + "/")
        if segments is None:
            return []
        if whole_segment:
            targets = [self.pages.joinpath(*segments)]
        else:
            parent = self.pages.joinpath(*segments[:-1])
            try:
                targets = [p for p in parent.iterdir() if p.is_dir() and p.name.startswith(
                    segments[-1])]  # fmt: skip
            except (FileNotFoundError, NotADirectoryError):
                targets = []
        found = []
        for target in targets:
            found.extend(self._paths_under(target))
            _remove_tree(target)
        if not segments and whole_segment:
            self.pages.mkdir(parents=True, exist_ok=True)
        return found

    def _paths_under(self, directory: Path) -> list[str]:
        from urllib.parse import unquote

        paths = []
        for dirpath, _dirs, files in os.walk(directory):
            names = {f[:2] for f in files if f.startswith("@")}
            rel = Path(dirpath).relative_to(self.pages).parts
            base = "/" + "/".join(unquote(p) for p in rel)
            if "@s" in names:
                paths.append(base if base.endswith("/") else base + "/")
            if "@n" in names and rel:
                paths.append(base)
        return paths

    def clear(self) -> list[str]:
        return self.invalidate(prefixes=["/"])

    def cached_paths(self) -> list[str]:
        return self._paths_under(self.pages)

    def enforce_limit(self):
        """Remove the least recently written entries until the store is under 80% of its bound."""
        files = []
        total = 0
        for dirpath, _dirs, names in os.walk(self.pages):
            for name in names:
                if not name.startswith("@"):
                    continue
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except FileNotFoundError:
                    continue
                files.append((st.st_mtime, st.st_size, os.path.join(dirpath, name)))
                total += st.st_size
        if total <= self.max_bytes:
            return
        files.sort()
        target = int(self.max_bytes * 0.8)
        for _mtime, size, name in files:
            if total <= target:
                break
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
            total -= size


def _entries_in(directory: Path):
    try:
        return [p for p in directory.iterdir() if p.name.startswith("@")]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _remove_tree(target: Path):
    """Rename first, then delete: readers never see a half-deleted directory."""
    if not target.exists():
        return
    trash = target.with_name(f".trash.{os.getpid()}.{threading.get_ident()}.{time.time_ns()}")
    try:
        os.replace(target, trash)
    except FileNotFoundError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def _error(operation: str) -> None:
    from redac.core.metrics import store_error

    store_error(operation)


class RedisStore(BaseStore):
    """Entries in Redis (``REDAC_CACHE_URL=redis://...``), shared by app servers on several
    machines. Each entry has a TTL; a set per path lists its variants so that a path is removed
    whole; a counter is the generation token.

    Every call goes through the breaker of :mod:`redac.core.lib.shared` (short timeouts, then no
    call at all until a probe succeeds): while Redis fails, a reader is answered from this worker's
    memory layer (minus what pending invalidations name, :mod:`redac.delivery.outbox`) or rendered,
    nothing is stored, and :meth:`invalidate` raises :class:`StoreUnavailable` at once so that the
    invalidation stays pending in the database until the store answers."""

    _PUT = """
    if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
    redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
    redis.call('SADD', KEYS[3], KEYS[2])
    redis.call('EXPIRE', KEYS[3], ARGV[3])
    return 1
    """
    shared = True

    def __init__(self, url: str, *, prefix: str = "redac:pc:", memory_bytes: int,
                 check_interval: float = 0.1, max_ttl: int = 86400):  # fmt: skip
        super().__init__(memory_bytes=memory_bytes, check_interval=check_interval)
        from redac.core.lib import shared

        self.url = url
        self.redis = shared.client_for(url)
        self.breaker = shared.breaker_for(url)
        self.breaker.on_recover(self._recovered)
        self.prefix = prefix
        self.seq_key = prefix + "seq"
        self.max_ttl = max_ttl
        self._put_script = self.redis.register_script(self._PUT)

    def _recovered(self):
        # Invalidations made elsewhere while this worker could not see the counter: start afresh.
        self._seen_token = None
        self._next_check = 0.0
        self.memory.clear()

    def _call(self, func, default=None, what: str = "call"):
        import redis

        if not self.breaker.allow():
            return default
        try:
            result = func()
        except (redis.RedisError, OSError) as exc:
            self.breaker.failure(exc)
            _error(what)
            return default
        self.breaker.success()
        return result

    def available(self) -> bool:
        return not self.breaker.is_open

    def token(self):
        # None while Redis fails: nothing rendered meanwhile is stored (put refuses None).
        return self._call(lambda: self.redis.get(self.seq_key) or b"0", what="token")

    def ping(self) -> bool:
        return bool(self.redis.ping())

    def _keys(self, key):
        host, path, page = key
        index = self.prefix + "path:" + path
        return index, self.prefix + "page:" + path + "\n" + host + "\n" + page

    def _load(self, key):
        data = self._call(lambda: self.redis.get(self._keys(key)[1]), what="get")
        return Entry.loads(data) if data else None

    def put(self, key, entry, token, after=None) -> bool:
        if token is None or entry.size > MAX_ENTRY_BYTES:
            return False
        index, entry_key = self._keys(key)
        ttl = max(1, min(self.max_ttl, int(entry.expires_at - time.time()) + 1))
        stored = self._call(lambda: self._put_script(keys=[self.seq_key, entry_key, index],
                                                     args=[token, entry.dumps(), ttl]),
                            0, what="put")  # fmt: skip
        if stored:
            self.memory.put(key, entry)
            if after is not None:
                after()
        return bool(stored)

    def invalidate(self, paths=(), prefixes=()) -> list[str]:
        import redis

        # On failure the memory layer is kept: the pending row hides exactly what it names.
        if not self.breaker.allow():
            raise StoreUnavailable("Redis page cache unavailable (breaker open)")
        try:
            found = self._invalidate(paths, prefixes)
        except (redis.RedisError, OSError) as exc:
            self.breaker.failure(exc)
            raise StoreUnavailable(f"Redis page cache unavailable: {exc}") from exc
        self.breaker.success()
        self.memory.clear()
        return found

    def _invalidate(self, paths, prefixes) -> list[str]:
        indexes = [self.prefix + "path:" + p for p in paths]
        for prefix in prefixes:
            indexes.extend(
                k.decode("latin-1")
                for k in self.redis.scan_iter(
                    match=self.prefix + "path:" + _glob_escape(prefix) + "*", count=1000
                )  # fmt: skip
            )
        found = []
        pipe = self.redis.pipeline()
        for index in set(indexes):
            members = self.redis.smembers(index)
            if members:
                found.append(index[len(self.prefix) + 5 :])
                pipe.delete(*members)
            pipe.delete(index)
        pipe.incr(self.seq_key)
        pipe.execute()
        return sorted(found)

    def clear(self) -> list[str]:
        return self.invalidate(prefixes=["/"])

    def cached_paths(self) -> list[str]:
        start = len(self.prefix) + 5
        keys = self._call(lambda: list(self.redis.scan_iter(match=self.prefix + "path:*",
                                                            count=1000)), [])  # fmt: skip
        return [k.decode("latin-1")[start:] for k in keys]


class StoreUnavailable(Exception):
    """The shared store did not take an invalidation: it stays pending (redac.delivery.outbox)."""


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
