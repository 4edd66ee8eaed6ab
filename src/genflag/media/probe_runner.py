"""Run media probes over the files behind clips: each unique file read once, in parallel, cached.

Targets (media-reference URLs, sequence patterns) become local paths (file:// URLs, ``--media-root``
remaps, paths relative to the timeline), image sequences become a bounded sample of frames,
and every unique file is stat'ed, looked up in the on-disk cache, and probed only on a miss.
Nothing here raises for a bad file: a missing file gives ``media.missing: true``, an unreadable
one ``media.unreadable: "<reason>"``, a probe that fails ``<probe>.error: "<reason>"``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence, TypeVar
from urllib.parse import urlsplit

from ..facts.catalogue import RESERVED_NAMESPACES
from ..files.file_kinds import file_kind, os_reason
from ..plugins import MediaProbe
from ..registry import registry
from ..safe_text import describe_exception
from ..timeline.media_paths import (
    frame_path,
    frame_placeholder,
    local_media_path,
    sample_frames,
    sequence_frames,
)
from .deadline_pool import map_with_deadline
from .probe_cache import ProbeCache, default_cache_dir
from .probes.c2pa_probe import manifest_sidecar_candidates
from .probes.sidecar import sidecar_candidates
from .probes.sniff import sniff
from .probes.source_type import derive_iptc

HEAD_BYTES = 64 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
CACHE_VERSION = "1"
DEFAULT_JOBS = 4
DEFAULT_TIMEOUT = 60.0
_STAT_BATCH = 64
Facts = dict[str, Any]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class MediaTarget:
    """What a clip points at: a URL or path (maybe a frame pattern), and its frames when known."""

    url: str
    frames: range | tuple[int, ...] | None = None


@dataclass
class RunnerOptions:
    """How to find and probe media: path remaps, cache, threads, sequence sampling, disabled probes."""

    media_roots: Sequence[tuple[str, str]] = ()
    base_dir: str | None = None
    cache_dir: str | None = None
    use_cache: bool = True
    jobs: int = DEFAULT_JOBS
    timeout: float = DEFAULT_TIMEOUT  # seconds one file's probes (or a batch of stats) may take
    samples: int = 3
    disabled: Collection[str] = ()


@dataclass
class _Plan:
    """How one target is probed: a remote URL, one file, or sampled frames of a sequence."""

    path: str
    files: list[str] = field(default_factory=list)
    frames: list[int] | None = None
    frame_count: int | None = None
    remote: str | None = None
    failed: str | None = None


def load_probes(disabled: Collection[str] = ()) -> list[MediaProbe]:
    """Instantiate every registered probe: genflag's own and plugins' (a plugin wins by name)."""
    skip = set(disabled)
    return [entry.loaded() for entry in registry.entries("probe")
            if entry.name not in skip and entry.load() is not None]


def probe_set_key(probes: Iterable[MediaProbe]) -> str:
    """Return a short key naming the probes and their versions (part of every cache key)."""
    names = sorted(f"{p.name}={p.version}" for p in probes)
    return hashlib.sha1(json.dumps([CACHE_VERSION, names]).encode()).hexdigest()[:16]


class ProbeRunner:
    """Probe the media behind many targets, each unique file once."""

    def __init__(self, options: RunnerOptions | None = None, probes: Sequence[MediaProbe] | None = None) -> None:
        self.options = options or RunnerOptions()
        self.probes = list(probes) if probes is not None else load_probes(self.options.disabled)
        self.warnings: list[str] = []
        self.stats = {"files": 0, "cached": 0, "probed": 0}
        self._listings: dict[str, frozenset[str] | None] = {}
        self._lock = threading.Lock()
        self._cache = self._open_cache()

    def close(self) -> None:
        """Close the cache."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def __enter__(self) -> ProbeRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, targets: Iterable[MediaTarget]) -> dict[MediaTarget, Facts]:
        """Return the facts of every target (media.* plus each probe's namespace, and ``media.state``).

        Never raises for one target: whatever fails while planning, probing or merging it becomes
        that target's ``media.unreadable`` reason, and costs no other target anything.
        """
        plans = {target: self._safe_plan(target) for target in dict.fromkeys(targets)}
        files = list(dict.fromkeys(f for plan in plans.values() for f in plan.files))
        results = self.probe_files(files)
        return {target: with_state(_safe_assemble(plan, results)) for target, plan in plans.items()}

    def _safe_plan(self, target: MediaTarget) -> _Plan:
        try:
            return self._plan(target)
        except Exception as exc:  # a hostile URL (NUL byte, bad escape...): this target only
            return _Plan(target.url, failed=f"cannot plan: {describe_exception(exc)}")

    def probe_files(self, paths: Sequence[str]) -> dict[str, Facts]:
        """Return the facts of local files: stat all, answer from the cache, probe the rest."""
        states = dict(zip(paths, self._stat_all(paths)))
        keys = {p: s for p, s in states.items() if isinstance(s, tuple)}
        cached = self._lookup(keys.values())
        misses = [p for p in keys if p not in cached]
        probed = dict(zip(misses, self._map(lambda p: self.probe_file(p, keys[p][1]), misses, _probe_timed_out)))
        self._store([(keys[p], probed[p]) for p in misses if fully_read(probed[p])])
        self.stats["files"] += len(paths)
        self.stats["cached"] += len(cached)
        self.stats["probed"] += len(misses)
        return {p: (s if isinstance(s, dict) else cached.get(p) or probed[p]) for p, s in states.items()}

    def probe_file(self, path: str, size: int | None = None) -> Facts:
        """Run every accepting probe on one regular file; never raises."""
        facts: Facts = {"media.path": path}
        if size is not None:
            facts["media.size"] = size
        try:
            head = read_head(path)
        except OSError as exc:
            return {"media.path": path, "media.unreadable": os_reason(exc)}
        facts["media.format"] = sniff(head)
        failed = []
        for probe in self.probes:
            found = self._run_probe(probe, path, head)
            if f"{probe.name}.error" in found:
                failed.append(f"{probe.name}: {found[f'{probe.name}.error']}")
            facts.update(found)
        if failed:
            facts["media.probe_failed"] = failed
        facts.update(derive_iptc(facts))
        return facts

    def _run_probe(self, probe: MediaProbe, path: str, head: bytes) -> Facts:
        try:
            if not probe.accepts(path, head):
                return {}
            found = probe.probe(path, head)
            return self._own_facts(probe, found)
        except Exception as exc:  # one probe failing on one file is a fact, never a crash
            return {f"{probe.name}.error": describe_exception(exc)}

    def _own_facts(self, probe: MediaProbe, found: Mapping[str, Any]) -> Facts:
        out: Facts = {}
        for key, value in (found or {}).items():
            namespace = str(key).split(".", 1)[0]
            if namespace != probe.name or namespace in RESERVED_NAMESPACES:
                self._warn(f"probe {probe.name!r} returned {key!r} outside its namespace: ignored")
                continue
            cleaned = clean_value(value)
            if cleaned is not None:
                out[str(key)] = cleaned
        return out

    def _plan(self, target: MediaTarget) -> _Plan:
        path = self.local_path(target.url)
        if path is None:
            scheme = urlsplit(target.url).scheme or "?"
            return _Plan(target.url, remote=f"not a local file ({scheme}: URL)")
        if frame_placeholder(path) is None or os.path.isfile(path):
            return _Plan(path, files=[path])
        frames: Sequence[int] | None = target.frames  # a range stays a range, however many frames
        if frames is None:
            frames = sequence_frames(path, self._listing(os.path.dirname(path)) or ())
        picked = sample_frames(frames, self.options.samples)
        return _Plan(path, [frame_path(path, f) for f in picked], picked, len(frames))

    def local_path(self, url: str) -> str | None:
        """Map a target URL to a local path: media roots, file:// URLs, relative to base_dir."""
        return local_media_path(url, self.options.media_roots, self.options.base_dir)

    def _state(self, path: str) -> tuple[str, int, int, str] | Facts:
        try:
            st = os.stat(path)
        except ValueError as exc:  # a NUL in the path
            return {"media.path": path, "media.unreadable": describe_exception(exc)}
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                return {"media.path": path, "media.missing": True}
            return {"media.path": path, "media.unreadable": os_reason(exc)}
        kind = file_kind(st.st_mode)
        if kind != "file":
            return {"media.path": path, "media.unreadable": f"not a regular file ({kind})"}
        return (path, st.st_size, st.st_mtime_ns, self._sidecar_signature(path))

    def _sidecar_signature(self, path: str) -> str:
        found = []
        for candidate in sidecar_candidates(path) + manifest_sidecar_candidates(path):
            listing = self._listing(os.path.dirname(candidate))
            if listing is not None and os.path.basename(candidate) not in listing:
                continue
            try:
                st = os.stat(candidate)
            except OSError:
                continue
            found.append([candidate, st.st_size, st.st_mtime_ns])
        return json.dumps(found)

    def _listing(self, directory: str) -> frozenset[str] | None:
        with self._lock:
            if directory in self._listings:
                return self._listings[directory]
        try:
            names: frozenset[str] | None = frozenset(os.listdir(directory or "."))
        except OSError:
            names = None
        with self._lock:
            self._listings[directory] = names
        return names

    def _stat_all(self, paths: Sequence[str]) -> list[tuple[str, int, int, str] | Facts]:
        """stat every path (with its sidecars), in batches on worker threads; a batch that hangs
        (a dead network mount) makes its files unreadable, not the run."""
        batches = [paths[i:i + _STAT_BATCH] for i in range(0, len(paths), _STAT_BATCH)]
        done: list[list[tuple[str, int, int, str] | Facts]] = self._map(
            lambda batch: [self._state(p) for p in batch], batches, _stats_timed_out)
        return [state for batch in done for state in batch]

    def _map(self, func: Callable[[T], R], items: Sequence[T], timed_out: Callable[[T], R]) -> list[R]:
        if not items:
            return []
        return map_with_deadline(func, items, self.options.jobs, self.options.timeout, timed_out)

    def _open_cache(self) -> ProbeCache | None:
        if not self.options.use_cache:
            return None
        directory = self.options.cache_dir or default_cache_dir()
        try:
            return ProbeCache(directory, probe_set_key(self.probes))
        except Exception as exc:  # sqlite3 / OS errors: run without a cache
            self._warn(f"probe cache {directory} unusable, probing without it: {describe_exception(exc)}")
            return None

    def _lookup(self, keys: Iterable[tuple[str, int, int, str]]) -> dict[str, Facts]:
        if self._cache is None:
            return {}
        try:
            return self._cache.lookup(keys)
        except Exception as exc:  # a corrupt or locked cache is a warning
            self._warn(f"probe cache lookup failed: {describe_exception(exc)}")
            return {}

    def _store(self, rows: list[tuple[tuple[str, int, int, str], Facts]]) -> None:
        if self._cache is None or not rows:
            return
        try:
            self._cache.store(rows)
        except Exception as exc:
            self._warn(f"probe cache write failed: {describe_exception(exc)}")

    def _warn(self, message: str) -> None:
        with self._lock:
            if message not in self.warnings:
                self.warnings.append(message)


def _safe_assemble(plan: _Plan, results: Mapping[str, Facts]) -> Facts:
    try:
        return _assemble(plan, results)
    except Exception as exc:  # a merge that fails costs this target only
        return {"media.path": plan.path, "media.unreadable": f"cannot read: {describe_exception(exc)}"}


#: media.state values: whether the media behind a target was read (findings.MEDIA_STATES).
def with_state(facts: Facts) -> Facts:
    """Add ``media.state``: read, missing, remote or unreadable (a probe that failed counts as
    unreadable: what it would have found is unknown)."""
    if facts.get("media.missing"):
        state = "missing"
    elif facts.get("media.unreadable"):
        state = "remote" if str(facts["media.unreadable"]).startswith("not a local file") else "unreadable"
    elif facts.get("media.probe_failed"):
        state = "unreadable"
    else:
        state = "read"
    return {**facts, "media.state": state}


def _assemble(plan: _Plan, results: Mapping[str, Facts]) -> Facts:
    if plan.failed is not None:
        return {"media.path": plan.path, "media.unreadable": plan.failed}
    if plan.remote is not None:
        return {"media.path": plan.path, "media.unreadable": plan.remote}
    if plan.frames is None:
        return dict(results[plan.files[0]])
    return sequence_facts(plan, [results[f] for f in plan.files])


def sequence_facts(plan: _Plan, frames: list[Facts]) -> Facts:
    """Merge the sampled frames' facts into one fact set for the sequence."""
    out: Facts = {"media.path": plan.path, "media.sequence": True,
                  "media.frames_sampled": plan.frames or [], "media.frame_count": plan.frame_count or 0}
    missing = [n for n, facts in zip(plan.frames or [], frames) if facts.get("media.missing")]
    if missing:
        out["media.frames_missing"] = missing
    present = [facts for facts in frames if not facts.get("media.missing")]
    if not present:
        out["media.missing"] = True
    merged: dict[str, list[Any]] = {}
    for facts in present:
        for key, value in facts.items():
            if key in ("media.path", "media.size"):
                continue
            bucket = merged.setdefault(key, [])
            for item in value if isinstance(value, list) else [value]:
                if item not in bucket:
                    bucket.append(item)
    out.update({k: v[0] if len(v) == 1 else v for k, v in merged.items()})
    return out


def fully_read(facts: Facts) -> bool:
    """Whether every probe read the file: only then are its facts kept in the probe cache. A file a
    probe failed on or ran out of time with (a loaded machine, a transient error) is read again on
    the next run, never remembered as unreadable until it changes."""
    return "media.unreadable" not in facts and not facts.get("media.probe_failed")


def _probe_timed_out(path: str) -> Facts:
    return {"media.path": path, "media.unreadable": "probe timed out (see probes.timeout in the configuration)"}


def _stats_timed_out(batch: Sequence[str]) -> list[tuple[str, int, int, str] | Facts]:
    return [{"media.path": path, "media.unreadable": "timed out reading file information"} for path in batch]


def read_head(path: str) -> bytes:
    """Read a file's first bytes without ever blocking on a FIFO or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind != "file":
            raise OSError(errno.EINVAL, f"not a regular file ({kind})")
        return os.read(fd, HEAD_BYTES)
    finally:
        os.close(fd)


def valid_text(text: str) -> str:
    """The text, with any lone surrogate (not encodable as UTF-8) replaced by U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


def clean_value(value: Any) -> Any:
    """Return a fact value as JSON scalars: scalar, or a list of scalars; None drops it. Text is
    made valid Unicode (a lone surrogate from a hostile file becomes U+FFFD)."""
    if isinstance(value, str):
        return valid_text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [clean_value(v) for v in value if not isinstance(v, (list, tuple, dict))]
        return [i for i in items if i is not None]
    return str(value)
