"""Probe runner: path mapping, sequences, bad files, read-once, the disk cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from genflag.media.probe_runner import MediaTarget, ProbeRunner, RunnerOptions, load_probes
from genflag.plugins import MediaProbe
from tests.probe_fixtures import exr_file, exr_string, tiny_jpeg


class CountingProbe(MediaProbe):
    """Counts the files it probes."""

    name = "count"
    version = "1"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def accepts(self, path: str, head: bytes) -> bool:
        return True

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        with self.lock:
            self.seen.append(path)
        return {"count.head": head[:2].hex()}


class BrokenProbe(MediaProbe):
    name = "broken"

    def accepts(self, path: str, head: bytes) -> bool:
        return True

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        raise RuntimeError("boom\nsecond line")


class TrespassingProbe(MediaProbe):
    name = "tres"

    def accepts(self, path: str, head: bytes) -> bool:
        return True

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        return {"clip.name": "spoofed", "tres.ok": ("a", 1)}


def runner(tmp_path: Path, *probes: MediaProbe, cache: bool = False, **options: Any) -> ProbeRunner:
    return ProbeRunner(RunnerOptions(cache_dir=str(tmp_path / "cache"), use_cache=cache, **options), probes)


def facts_of(run: ProbeRunner, url: str, frames: Any = None) -> dict:
    target = MediaTarget(url, frames)
    return run.run([target])[target]


def test_when_file_is_missing_then_media_missing(tmp_path: Path) -> None:
    facts = facts_of(runner(tmp_path, CountingProbe()), str(tmp_path / "nope.exr"))
    assert facts == {"media.path": str(tmp_path / "nope.exr"), "media.missing": True, "media.state": "missing"}


def test_when_path_is_a_directory_then_unreadable(tmp_path: Path) -> None:
    assert facts_of(runner(tmp_path), str(tmp_path))["media.unreadable"] == "not a regular file (directory)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_when_path_is_a_fifo_then_unreadable_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.mov"
    os.mkfifo(fifo)
    probe = CountingProbe()
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(facts_of(runner(tmp_path, probe), str(fifo))), daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "probing a FIFO blocked"
    assert result["media.unreadable"] == "not a regular file (FIFO)" and probe.seen == []


def test_when_symlinks_loop_then_unreadable(tmp_path: Path) -> None:
    os.symlink(tmp_path / "b.jpg", tmp_path / "a.jpg")
    os.symlink(tmp_path / "a.jpg", tmp_path / "b.jpg")
    assert facts_of(runner(tmp_path), str(tmp_path / "a.jpg"))["media.unreadable"] == "symlink loop"


def test_when_file_is_2gb_sparse_then_probed_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    with open(path, "wb") as fp:
        fp.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
        fp.truncate(2 * 1024 ** 3)
    started = time.monotonic()
    facts = facts_of(ProbeRunner(RunnerOptions(use_cache=False)), str(path))
    assert time.monotonic() - started < 10
    assert facts["media.size"] == 2 * 1024 ** 3 and facts["media.format"] == "jpeg"
    assert "media.unreadable" not in facts
    assert facts["c2pa.error"] == "not read: jpeg file larger than 64 MiB"


def test_when_riff_size_field_lies_then_sdk_not_asked(tmp_path: Path) -> None:
    path = tmp_path / "liar.webp"
    path.write_bytes(b"RIFF\xf0\xff\xff\x1fWEBPVP8 " + b"\x00" * 64)
    facts = facts_of(ProbeRunner(RunnerOptions(use_cache=False)), str(path))
    assert facts["c2pa.error"].startswith("not read: RIFF size field")


def test_when_jpeg_is_corrupt_then_probe_errors_are_facts(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.jpg"
    path.write_bytes(tiny_jpeg()[:40] + b"\x00garbage" * 10)
    facts = facts_of(ProbeRunner(RunnerOptions(use_cache=False)), str(path))
    assert facts["media.format"] == "jpeg"
    assert "media.unreadable" not in facts


def test_when_probe_raises_then_error_fact_and_others_still_run(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"ab")
    facts = facts_of(runner(tmp_path, BrokenProbe(), CountingProbe()), str(path))
    assert facts["broken.error"] == "RuntimeError: boom second line"
    assert facts["count.head"] == "6162"


def test_when_probe_writes_outside_its_namespace_then_dropped_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"ab")
    run = runner(tmp_path, TrespassingProbe())
    facts = facts_of(run, str(path))
    assert "clip.name" not in facts and facts["tres.ok"] == ["a", 1]
    assert any("'clip.name' outside its namespace" in w for w in run.warnings)


def test_when_many_targets_share_a_file_then_it_is_probed_once(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(tiny_jpeg())
    probe = CountingProbe()
    run = runner(tmp_path, probe, jobs=4)
    results = run.run([MediaTarget(str(path)), MediaTarget(path.as_uri()), MediaTarget(str(tmp_path / "." / "a.jpg"))])
    assert probe.seen == [str(path)]
    assert all(f["count.head"] == "ffd8" for f in results.values())


def test_when_media_root_remaps_file_url_then_local_file_found(tmp_path: Path) -> None:
    (tmp_path / "shots").mkdir()
    (tmp_path / "shots" / "a.jpg").write_bytes(tiny_jpeg())
    run = runner(tmp_path, CountingProbe(), media_roots=[("/Volumes/show", str(tmp_path))])
    facts = facts_of(run, "file:///Volumes/show/shots/a.jpg")
    assert facts["media.path"] == str(tmp_path / "shots" / "a.jpg") and facts["count.head"] == "ffd8"


def test_when_path_is_relative_then_resolved_against_base_dir(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(tiny_jpeg())
    assert facts_of(runner(tmp_path, CountingProbe(), base_dir=str(tmp_path)), "a.jpg")["count.head"] == "ffd8"


def test_when_target_is_http_then_not_local(tmp_path: Path) -> None:
    assert facts_of(runner(tmp_path), "https://cdn.example.com/a.mov")["media.unreadable"] == "not a local file (https: URL)"


def _sequence(tmp_path: Path, frames: range, generator_frame: int | None = None) -> None:
    for frame in frames:
        software = "Runway" if frame == generator_frame else "Nuke"
        (tmp_path / f"shot.{frame:04d}.exr").write_bytes(exr_file(exr_string("software", software)))


@pytest.mark.parametrize("pattern", ["shot.####.exr", "shot.%04d.exr"])
def test_when_target_is_a_sequence_then_first_middle_last_sampled(tmp_path: Path, pattern: str) -> None:
    _sequence(tmp_path, range(1001, 1101), generator_frame=1100)
    probes = load_probes()
    facts = facts_of(ProbeRunner(RunnerOptions(use_cache=False), probes), str(tmp_path / pattern))
    assert facts["media.sequence"] is True
    assert facts["media.frames_sampled"] == [1001, 1051, 1100]
    assert facts["media.frame_count"] == 100
    assert facts["exr.software"] == ["Nuke", "Runway"]


def test_when_sequence_frames_are_given_then_missing_ones_reported(tmp_path: Path) -> None:
    _sequence(tmp_path, range(1, 6))
    facts = facts_of(runner(tmp_path, CountingProbe()), str(tmp_path / "shot.####.exr"), range(1, 12))
    assert facts["media.frames_sampled"] == [1, 6, 11]
    assert facts["media.frames_missing"] == [6, 11]
    assert "media.missing" not in facts


def test_when_no_frame_exists_then_sequence_missing(tmp_path: Path) -> None:
    facts = facts_of(runner(tmp_path, CountingProbe()), str(tmp_path / "none.####.exr"))
    assert facts["media.missing"] is True and facts["media.frames_sampled"] == []


def test_when_hash_is_part_of_a_real_file_name_then_file_probed(tmp_path: Path) -> None:
    (tmp_path / "take#2.jpg").write_bytes(tiny_jpeg())
    facts = facts_of(runner(tmp_path, CountingProbe()), str(tmp_path / "take#2.jpg"))
    assert facts["count.head"] == "ffd8" and "media.sequence" not in facts


# --- cache ---------------------------------------------------------------------------------------

def test_when_rerun_with_cache_then_nothing_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = []
    for i in range(5):
        paths.append(tmp_path / f"{i}.jpg")
        paths[-1].write_bytes(tiny_jpeg((i, 0, 0)))
    first = runner(tmp_path, CountingProbe(), cache=True).run([MediaTarget(str(p)) for p in paths])
    import genflag.media.probe_runner as pr

    def no_reading(path: str) -> bytes:
        raise AssertionError(f"{path} was read on a warm cache")

    monkeypatch.setattr(pr, "read_head", no_reading)
    probe = CountingProbe()
    warm = runner(tmp_path, probe, cache=True)
    second = warm.run([MediaTarget(str(p)) for p in paths])
    assert probe.seen == [] and second == first
    assert warm.stats == {"files": 5, "cached": 5, "probed": 0}


def test_when_file_changes_then_cache_misses(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(tiny_jpeg())
    runner(tmp_path, CountingProbe(), cache=True).run([MediaTarget(str(path))])
    path.write_bytes(b"PK" + tiny_jpeg())
    probe = CountingProbe()
    assert facts_of(runner(tmp_path, probe, cache=True), str(path))["count.head"] == "504b"
    assert probe.seen == [str(path)]


def test_when_sidecar_is_added_then_cache_misses(tmp_path: Path) -> None:
    path = tmp_path / "a.mov"
    path.write_bytes(b"\x00" * 32)
    probes = load_probes()
    ProbeRunner(RunnerOptions(cache_dir=str(tmp_path / "c")), probes).run([MediaTarget(str(path))])
    (tmp_path / "a.mov.genflag.json").write_text('{"generator": "Veo 3"}')
    facts = facts_of(ProbeRunner(RunnerOptions(cache_dir=str(tmp_path / "c")), probes), str(path))
    assert facts["sidecar.generator"] == "Veo 3"


def test_when_cache_file_is_corrupt_then_warning_and_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "probes.sqlite").write_bytes(b"this is not a database" * 100)
    path = tmp_path / "a.jpg"
    path.write_bytes(tiny_jpeg())
    run = runner(tmp_path, CountingProbe(), cache=True)
    assert facts_of(run, str(path))["count.head"] == "ffd8"
    assert run.warnings and "cache" in run.warnings[0]


_WRITER = """
import sys
from genflag.media.probe_runner import MediaTarget, ProbeRunner, RunnerOptions
run = ProbeRunner(RunnerOptions(cache_dir=sys.argv[1], jobs=2))
results = run.run([MediaTarget(p) for p in sys.argv[2:]])
print(len(results), len(run.warnings))
"""


def test_when_two_processes_share_a_cache_then_both_succeed(tmp_path: Path) -> None:
    paths = []
    for i in range(40):
        paths.append(str(tmp_path / f"{i}.jpg"))
        Path(paths[-1]).write_bytes(tiny_jpeg((i, i, 0)))
    cache = str(tmp_path / "cache")
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, cache, *paths[k::2], *paths[:10]],
                              stdout=subprocess.PIPE, text=True) for k in (0, 1)]
    outputs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == [["25", "0"], ["25", "0"]]  # 20 own files + 5 of the shared first ten
    warm = ProbeRunner(RunnerOptions(cache_dir=cache))
    warm.run([MediaTarget(p) for p in paths])
    assert warm.stats["cached"] == 40


def test_when_probe_version_changes_then_cache_misses(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(tiny_jpeg())
    runner(tmp_path, CountingProbe(), cache=True).run([MediaTarget(str(path))])
    newer = CountingProbe()
    newer.version = "2"
    runner(tmp_path, newer, cache=True).run([MediaTarget(str(path))])
    assert newer.seen == [str(path)]


def test_when_results_are_cached_then_they_are_json_scalars(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(tiny_jpeg())
    facts = facts_of(ProbeRunner(RunnerOptions(use_cache=False)), str(path))
    assert json.loads(json.dumps(facts)) == facts
