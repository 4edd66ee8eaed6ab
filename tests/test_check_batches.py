"""A timeline is collected and evaluated in batches of clips (checker.BATCH_CLIPS): the result is the
same as in one batch, each unique file is probed once per timeline, media are counted once, warnings
are not repeated, and no clip's snapshot outlives its batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from PIL import Image, PngImagePlugin

from genflag.check import checker as checker_module
from genflag.check.checker import Checker, CheckOptions
from genflag.media import probe_runner
from genflag.plugins import Collector, RunContext

RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange
A1111 = "a fox\nNegative prompt: x\nSteps: 20, Sampler: Euler, Model: sdxl_base"


def _cut(folder: Path) -> otio.schema.Timeline:
    """11 clips: a generated still used at both ends, a missing file, plain clips between."""
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", A1111)
    Image.new("RGB", (4, 4)).save(folder / "gen.png", pnginfo=info)
    Image.new("RGB", (4, 4)).save(folder / "plate.png")
    track = otio.schema.Track(name="V1")
    targets = ["gen.png", "plate.png", "plate.png", "gone.mov", "plate.png", "plate.png", "plate.png",
               "gone.mov", "plate.png", "plate.png", "gen.png"]
    for index, name in enumerate(targets):
        track.append(otio.schema.Clip(name=f"sh{index:03d}", source_range=TR(RT(0, 24), RT(24, 24)),
                                      media_reference=otio.schema.ExternalReference(target_url=str(folder / name))))
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(track)
    return timeline


def _check(folder: Path, batch: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(checker_module, "BATCH_CLIPS", batch)
    options = CheckOptions(config={"probes": {"cache": False}})  # every probe call counts
    return Checker(options).check_object(_cut(folder), str(folder / "cut.otio"))


def _summary(result: Any) -> Any:
    return ([(f.rule, f.clip_index, f.message) for f in result.findings], result.media,
            [(u["clip_index"], u["state"]) for u in result.unread], result.clips)


def test_batches_of_three_clips_give_the_same_result_as_one_batch(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _check(tmp_path, 100_000, monkeypatch)
    batched = _check(tmp_path, 3, monkeypatch)
    assert _summary(batched) == _summary(whole)
    assert {f.clip_index for f in whole.findings if f.rule.startswith("genai.")} >= {0, 10}
    assert whole.media == {"read": 2, "missing": 1}  # distinct files, counted once across batches


def test_each_unique_file_is_probed_once_per_timeline_across_batches(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    probed: list[str] = []
    real = probe_runner.ProbeRunner.probe_file

    def counting(self: Any, path: str, *args: Any) -> Any:
        probed.append(Path(path).name)
        return real(self, path, *args)
    monkeypatch.setattr(probe_runner.ProbeRunner, "probe_file", counting)
    _check(tmp_path, 2, monkeypatch)
    assert sorted(probed) == ["gen.png", "plate.png"]


class _Watcher(Collector):
    """Sees every batch: the clips, whether any clip of an earlier batch still holds its snapshot."""

    name = "watcher"
    order = 99
    batches: list[list[str]] = []
    held: list[int] = []
    seen: list[Any] = []

    def collect(self, places: Any, context: RunContext) -> None:
        self.batches.append([p.clip.name for p in places])
        self.held.append(sum(1 for p in self.seen if p.data is not None))
        self.seen.extend(places)
        context.warn("the same warning every batch")


def test_batches_follow_the_timeline_and_let_each_snapshot_go(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from genflag.check import collection
    _Watcher.batches, _Watcher.held, _Watcher.seen = [], [], []
    real = collection.load_collectors
    monkeypatch.setattr(checker_module, "load_collectors", lambda *a: [*real(*a), _Watcher()])
    result = _check(tmp_path, 4, monkeypatch)
    assert [len(b) for b in _Watcher.batches] == [4, 4, 3]
    assert [name for b in _Watcher.batches for name in b] == [f"sh{i:03d}" for i in range(11)]
    assert _Watcher.held == [0, 0, 0]  # evaluated batches keep no clip JSON
    assert result.warnings.count("the same warning every batch") == 1
