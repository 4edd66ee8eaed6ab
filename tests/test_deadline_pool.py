"""deadline_pool.py: a media file whose probes run past the time limit costs only that file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from genflag.media.deadline_pool import map_with_deadline
from genflag.media.probe_runner import MediaTarget, ProbeRunner, RunnerOptions
from genflag.plugins import MediaProbe


def test_results_keep_their_order_and_a_stuck_item_times_out_alone() -> None:
    release = threading.Event()

    def work(item: int) -> str:
        if item == 3:
            release.wait(30)  # stuck, as a native reader on a hostile file can be
        return f"done {item}"
    started = time.monotonic()
    results = map_with_deadline(work, list(range(8)), workers=2, seconds=0.5, timed_out=lambda i: f"timeout {i}")
    release.set()
    assert time.monotonic() - started < 10
    assert results == [f"done {i}" for i in range(3)] + ["timeout 3"] + [f"done {i}" for i in range(4, 8)]


def test_an_empty_list_needs_no_worker() -> None:
    assert map_with_deadline(lambda i: i, [], workers=4, seconds=1, timed_out=lambda i: None) == []


class SlowProbe(MediaProbe):
    """Takes for ever on files named slow*, like a quadratic reader on a file of many tiny boxes."""

    name = "slow"

    def accepts(self, path: str, head: bytes) -> bool:
        return True

    def probe(self, path: str, head: bytes) -> dict[str, object]:
        if Path(path).name.startswith("slow"):
            time.sleep(20)
        return {"slow.seen": True}


def test_a_probe_that_runs_past_its_limit_makes_only_that_file_unreadable(tmp_path: Path) -> None:
    for name in ("slow.png", "a.png", "b.png"):
        (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n")
    runner = ProbeRunner(RunnerOptions(use_cache=False, jobs=2, timeout=0.5), [SlowProbe()])
    targets = [MediaTarget(str(tmp_path / name)) for name in ("slow.png", "a.png", "b.png")]
    started = time.monotonic()
    facts = runner.run(targets)
    assert time.monotonic() - started < 10
    slow, *others = (facts[t] for t in targets)
    assert slow["media.state"] == "unreadable" and "timed out" in slow["media.unreadable"]
    assert all(f["media.state"] == "read" and f["slow.seen"] is True for f in others)
