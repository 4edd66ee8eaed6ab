"""On-disk cache of probe results: one SQLite file per cache directory, safe across processes.

A row is keyed by (file path, probe set) and remembers the file's size, mtime and the state of
its sidecars; a lookup hits only when all three still match, so a re-check of an unchanged show
opens no media file. SQLite (WAL journal, busy timeout) makes concurrent genflag runs safe; a
cache that cannot be opened or written is reported once and the run goes on without it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from typing import Any, Iterable

from ..files.user_cache import user_cache_dir

CACHE_FILE = "probes.sqlite"
SCHEMA = """CREATE TABLE IF NOT EXISTS probe_results (
    path TEXT NOT NULL, probe_set TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sidecars TEXT NOT NULL, facts TEXT NOT NULL, PRIMARY KEY (path, probe_set))"""
_CHUNK = 500


def default_cache_dir() -> str:
    """Return $XDG_CACHE_HOME/genflag (or ~/.cache/genflag)."""
    return user_cache_dir()


class ProbeCache:
    """Probe results cached by path + size + mtime + sidecar state + probe versions."""

    def __init__(self, directory: str, probe_set: str) -> None:
        self.probe_set = probe_set
        self.path = os.path.join(directory, CACHE_FILE)
        os.makedirs(directory, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 30000")
        self._setup()

    def _setup(self, attempts: int = 50) -> None:
        """Switch to WAL and create the table; SQLite answers 'locked' at once (ignoring the busy
        timeout) while another process does the same, so retry briefly."""
        for attempt in range(attempts):
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute(SCHEMA)
                return
            except sqlite3.OperationalError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05)

    def lookup(self, keys: Iterable[tuple[str, int, int, str]]) -> dict[str, dict[str, Any]]:
        """Return cached facts for the (path, size, mtime_ns, sidecars) keys that still match."""
        wanted = {k[0]: k for k in keys}
        found: dict[str, dict[str, Any]] = {}
        paths = list(wanted)
        for start in range(0, len(paths), _CHUNK):
            chunk = paths[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT path, size, mtime_ns, sidecars, facts FROM probe_results "
                f"WHERE probe_set = ? AND path IN ({marks})", [self.probe_set, *chunk])
            for path, size, mtime_ns, sidecars, facts in rows:
                if wanted[path][1:] == (size, mtime_ns, sidecars):
                    found[path] = json.loads(facts)
        return found

    def store(self, rows: Iterable[tuple[tuple[str, int, int, str], dict[str, Any]]]) -> None:
        """Write (key, facts) rows in one transaction, replacing older rows for the same paths."""
        values = [(k[0], self.probe_set, k[1], k[2], k[3], json.dumps(facts, sort_keys=True))
                  for k, facts in rows]
        if not values:
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO probe_results VALUES (?, ?, ?, ?, ?, ?)", values)

    def close(self) -> None:
        """Close the database."""
        self._db.close()
