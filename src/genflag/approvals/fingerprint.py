"""Content fingerprints of the media a clip uses: what an approval is bound to.

* A file: the SHA-256 of its whole content, streamed in 1 MiB chunks (memory stays flat for any size).
* An image sequence: the SHA-256 of a small text naming the frame count, the SHA-256 of each sampled
  frame (first, middle, last by default; the record keeps their numbers so a later check hashes the
  same ones) and a digest of every frame's size. A re-render that changes the frame count, a
  sampled frame, or the size of any frame is seen; one that rewrites an unsampled frame with
  exactly the same size is not (docs/approvals.md says so).

Hashes are cached on disk by path, size and modification time (``fingerprints.sqlite`` in the
cache folder), so an unchanged file is hashed once. A file modified in the last two seconds is
never cached: a same-second rewrite cannot hide behind an unchanged mtime.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from ..files.user_cache import user_cache_dir
from ..timeline.media_paths import (
    frame_path,
    frame_placeholder,
    local_media_path,
    sample_frames,
    sequence_frames,
    url_to_path,
)
from .model import MediaPrint

if TYPE_CHECKING:
    pass

CHUNK = 1 << 20
RACY_SECONDS = 2.0
CACHE_FILE = "fingerprints.sqlite"
SEQUENCE_HEADER = b"genflag.sequence.v1\n"


class FingerprintError(Exception):
    """The media cannot be fingerprinted (missing, remote, unreadable): the message says why."""


@dataclass(frozen=True)
class CurrentMedia:
    """The local media a clip uses now: one file or a frame pattern."""

    path: str
    kind: str  # file | sequence


def resolve_media(target: str | None, media_path: str | None = None, roots: Sequence[tuple[str, str]] = (),
                  base_dir: str | None = None) -> CurrentMedia:
    """Return the local media of a clip: the check's resolved media_path, else its media target
    mapped like the probes map it (--media-root, file:// URLs, relative to the timeline)."""
    path = (url_to_path(media_path) if media_path else None) or _local(target, roots, base_dir)
    if not path:
        raise FingerprintError("the clip has no media reference" if not target
                               else f"not a local file: {target}")
    if frame_placeholder(path) is not None and not os.path.isfile(path):
        return CurrentMedia(path, "sequence")
    return CurrentMedia(path, "file")


def _local(target: str | None, roots: Sequence[tuple[str, str]], base_dir: str | None) -> str | None:
    return local_media_path(target, roots, base_dir) if target else None


class Hasher:
    """Hash files (cached by path, size and mtime) and fingerprint or compare clip media."""

    def __init__(self, cache_dir: str | None = None, use_cache: bool = True) -> None:
        self._memo: dict[tuple[str, int, int], str] = {}
        self._db = _open_cache(cache_dir) if use_cache else None
        self.hashed_bytes = 0

    def close(self) -> None:
        """Close the on-disk cache."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "Hasher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ files
    def file(self, path: str) -> tuple[str, int]:
        """Return (SHA-256 hex, size) of a regular file; raise FingerprintError when it cannot be read."""
        st = _stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        if key in self._memo:
            return self._memo[key], st.st_size
        digest = self._cached(key)
        if digest is None:
            digest = self._hash(path)
            if time.time() - st.st_mtime > RACY_SECONDS:
                self._store(key, digest)
        self._memo[key] = digest
        return digest, st.st_size

    def _hash(self, path: str) -> str:
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(chunk)
                    self.hashed_bytes += len(chunk)
        except OSError as exc:
            raise FingerprintError(f"cannot read {path}: {exc.strerror or exc}") from None
        return digest.hexdigest()

    def _cached(self, key: tuple[str, int, int]) -> str | None:
        if self._db is None:
            return None
        import sqlite3
        try:
            row = self._db.execute("SELECT sha256 FROM hashes WHERE path = ? AND size = ? AND mtime_ns = ?",
                                   key).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def _store(self, key: tuple[str, int, int], digest: str) -> None:
        if self._db is None:
            return
        import sqlite3
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?)", (*key, digest))
        except sqlite3.Error:
            pass  # a locked or read-only cache costs only time

    # ------------------------------------------------------------------ clip media
    def fingerprint(self, media: CurrentMedia, clip: str = "", samples: int = 3) -> MediaPrint:
        """Fingerprint the media a clip uses now (for a new approval record)."""
        if media.kind == "file":
            digest, size = self.file(media.path)
            return MediaPrint("file", digest, media.path, clip, size=size)
        frames = self.frames(media.path)
        picked = tuple(sample_frames(frames, samples))
        return MediaPrint("sequence", self.sequence_digest(media.path, frames, picked), media.path, clip,
                          frame_count=len(frames), frames=picked)

    def matches(self, media: CurrentMedia, printed: MediaPrint) -> bool:
        """True when the clip's media now has the content the fingerprint was taken of."""
        if media.kind != printed.kind:
            return False
        if media.kind == "file":
            st = _stat(media.path)
            if printed.size is not None and st.st_size != printed.size:
                return False  # a different size is a different content: no need to read it
            return self.file(media.path)[0] == printed.sha256
        frames = self.frames(media.path)
        if len(frames) != printed.frame_count:
            return False
        return self.sequence_digest(media.path, frames, printed.frames) == printed.sha256

    def frames(self, pattern: str) -> list[int]:
        """The frame numbers of an image sequence on disk; raise when there are none."""
        folder = os.path.dirname(pattern) or "."
        try:
            names = os.listdir(folder)
        except OSError as exc:
            raise FingerprintError(f"cannot list {folder}: {exc.strerror or exc}") from None
        frames = sequence_frames(pattern, names)
        if not frames:
            raise FingerprintError(f"no frames of {pattern} on disk")
        return frames

    def sequence_digest(self, pattern: str, frames: Sequence[int], sampled: Sequence[int]) -> str:
        """The sequence digest: frame count, the sampled frames' SHA-256s and every frame's size."""
        digest = hashlib.sha256(SEQUENCE_HEADER)
        digest.update(f"count {len(frames)}\n".encode())
        for frame in sampled:
            digest.update(f"{frame} {self.file(frame_path(pattern, frame))[0]}\n".encode())
        sizes = hashlib.sha256()
        for frame in frames:
            sizes.update(f"{frame} {_stat(frame_path(pattern, frame)).st_size}\n".encode())
        digest.update(f"sizes {sizes.hexdigest()}\n".encode())
        return digest.hexdigest()


def _stat(path: str) -> os.stat_result:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FingerprintError(f"media missing: {path}") from None
    except OSError as exc:
        raise FingerprintError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not os.path.isfile(path):
        raise FingerprintError(f"not a regular file: {path}")
    return st


def _open_cache(cache_dir: str | None) -> Any:
    """The hash cache (a sqlite3 connection), or None when it cannot be opened."""
    import sqlite3
    folder = cache_dir or user_cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        db = sqlite3.connect(os.path.join(folder, CACHE_FILE), timeout=10, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("CREATE TABLE IF NOT EXISTS hashes (path TEXT NOT NULL, size INTEGER NOT NULL, "
                   "mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (path))")
        return db
    except (OSError, sqlite3.Error):
        return None  # no cache: every file is hashed once per run
