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


class OnceSlowProbe(MediaProbe):
    """Slow only the first time (a machine busy for a moment), then quick."""

    name = "onceslow"
    calls = 0

    def accepts(self, path: str, head: bytes) -> bool:
        return True

    def probe(self, path: str, head: bytes) -> dict[str, object]:
        type(self).calls += 1
        if type(self).calls == 1:
            time.sleep(5)
        return {"onceslow.seen": True}


def test_a_timed_out_file_is_not_remembered_by_the_probe_cache(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    target = MediaTarget(str(tmp_path / "a.png"))
    options = RunnerOptions(cache_dir=str(tmp_path / "cache"), jobs=1, timeout=0.5)
    OnceSlowProbe.calls = 0
    with ProbeRunner(options, [OnceSlowProbe()]) as runner:
        first = runner.run([target])[target]
    assert first["media.state"] == "unreadable" and "timed out" in first["media.unreadable"]
    with ProbeRunner(options, [OnceSlowProbe()]) as runner:
        second = runner.run([target])[target]
    assert second["media.state"] == "read" and second["onceslow.seen"] is True  # read again, not the cached failure
    with ProbeRunner(options, [OnceSlowProbe()]) as runner:
        runner.run([target])
        assert runner.stats["cached"] == 1  # a file read in full is cached as before
