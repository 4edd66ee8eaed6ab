#!/usr/bin/env python3
"""Benchmark the default path on a show laid out on disk: media present, probing on.

    .venv/bin/python bench/show.py                   # 10k clips over 2k media, then 100k over 20k
    .venv/bin/python bench/show.py --sizes 10000     # one size
    .venv/bin/python bench/show.py --repeat 5

The show (bench/out/show-N/, git-ignored, seeded: the same files every time) is an episode's
cut of N clips on four tracks (V1, V2, A1, A2) over N/5 media entries: a fifth of them 10-frame
EXR image sequences, the rest JPEG and PNG stills, QuickTime and WAV files; about one media in
twenty is generative (a C2PA-signed JPEG, a ComfyUI or Automatic1111 PNG, a sidecar that names
the generator, an EXR whose header names a generator) and about one in fifty is missing.

Every measurement is a whole process, as users run it (interpreter start and imports included),
timed by wall clock with its peak memory (ru_maxrss of the child). Ratios are taken between
runs of the same invocation of this script, on the same files:

- warm ``genflag check`` against OpenTimelineIO's read + write of the same cut (the floor);
- cold ``genflag check`` (empty probe cache) against ``exiftool -fast -json`` over every single
  media file and the first, middle and last frame of each sequence (what genflag samples);
- ``genflag check --no-probe`` against the floor; warm ``genflag annotate`` against the floor;
- per-clip cost of the warm check at each size (linearity).

Figures go to stdout as Markdown and to bench/out/show-results-<date>.md/.json; RESULTS.md
quotes them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PYTHON = sys.executable
SEQUENCE_FRAMES = 10
GENERATIVE_EVERY = 20
MISSING_EVERY = 50
CLIPS_PER_MEDIA = 5
TRACKS = (("V1", "Video"), ("V2", "Video"), ("A1", "Audio"), ("A2", "Audio"))


# ---- the show on disk -------------------------------------------------------------------------

@dataclass
class MediaEntry:
    """One media entry of the show: a file or an image sequence, and how it is made."""

    path: str  # relative to the show root; a sequence uses ####
    kind: str  # exr_seq, jpeg, png, mov, wav
    generative: str | None = None  # how it is generative (None: not)
    missing: bool = False

    @property
    def audio(self) -> bool:
        """True for audio media (placed on audio tracks)."""
        return self.kind == "wav"


class Templates:
    """File contents, built once and written many times (signing every file would dominate)."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        from PIL import Image, PngImagePlugin

        from tests.probe_fixtures import exr_file, exr_string, manifest, sign, tiny_jpeg

        self.jpeg = tiny_jpeg((40, 90, 140))
        self.c2pa_jpeg = sign(tiny_jpeg(), manifest("trainedAlgorithmicMedia", agent="Adobe Firefly"))[0]
        self.exr = exr_file(exr_string("software", "Nuke 15.1v3"), exr_string("owner", "comp"))
        self.exr_generated = exr_file(exr_string("software", "ComfyUI"), exr_string("comments", "sdxl refiner"))
        self.png = self._png(Image, PngImagePlugin, {})
        comfy = {"prompt": json.dumps({"4": {"class_type": "CheckpointLoaderSimple",
                                             "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}}})}
        self.png_comfy = self._png(Image, PngImagePlugin, comfy)
        a1111 = {"parameters": "matte painting, city at dusk\nSteps: 30, Sampler: DPM++ 2M, "
                               "Model: juggernautXL, Version: v1.9.3"}
        self.png_a1111 = self._png(Image, PngImagePlugin, a1111)
        self.mov = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00\x00\x00\x08free" + b"\x00" * 64
        self.wav = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 48000,
                                                                             96000, 2, 16) + b"data" + b"\x00" * 8

    @staticmethod
    def _png(image: Any, png_plugin: Any, text: dict[str, str]) -> bytes:
        info = png_plugin.PngInfo()
        for key, value in text.items():
            info.add_text(key, value)
        buffer = io.BytesIO()
        image.new("RGB", (16, 16), (20, 120, 60)).save(buffer, "PNG", pnginfo=info)
        return buffer.getvalue()


def plan_media(count: int, rng: random.Random) -> list[MediaEntry]:
    """The show's media entries: a fifth sequences, the rest stills, movies and sound."""
    entries = []
    for index in range(count):
        shot = f"sh{index // 4 * 10 + 10:05d}"
        version = f"v{rng.randint(1, 30):03d}"
        roll = index % 10
        if roll < 2:
            entry = MediaEntry(f"shots/{shot}/comp/{version}/ep101_{shot}_comp_{version}.####.exr", "exr_seq")
        elif roll < 5:
            entry = MediaEntry(f"stills/{shot}/ep101_{shot}_ref_{version}.jpg", "jpeg")
        elif roll < 7:
            entry = MediaEntry(f"stills/{shot}/ep101_{shot}_matte_{version}.png", "png")
        elif roll < 9:
            entry = MediaEntry(f"plates/{shot}/A{index % 97:03d}_C{index % 53:03d}_{shot}.mov", "mov")
        else:
            entry = MediaEntry(f"sound/ep101_{shot}_fx_{version}.wav", "wav")
        if index % GENERATIVE_EVERY == 7:
            entry.generative = {"exr_seq": "exr_header", "jpeg": "c2pa", "png": rng.choice(["comfyui", "a1111"]),
                                "mov": "sidecar", "wav": "sidecar"}[entry.kind]
        entry.missing = index % MISSING_EVERY == 3
        entries.append(entry)
    return entries


def write_media(root: Path, entries: Sequence[MediaEntry], templates: Templates) -> int:
    """Write every present media file (and generator sidecars); return the number of files."""
    written = 0
    for entry in entries:
        if entry.missing:
            continue
        content = _content(entry, templates)
        paths = [entry.path.replace("####", f"{frame:04d}") for frame in range(1001, 1001 + SEQUENCE_FRAMES)] \
            if entry.kind == "exr_seq" else [entry.path]
        for relative in paths:
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            written += 1
        if entry.generative == "sidecar":
            (root / (entry.path + ".genflag.json")).write_text(json.dumps({"generator": "Runway Gen-4"}))
    return written


def _content(entry: MediaEntry, t: Templates) -> bytes:
    by_kind = {
        "exr_seq": t.exr_generated if entry.generative else t.exr,
        "jpeg": t.c2pa_jpeg if entry.generative else t.jpeg,
        "png": {"comfyui": t.png_comfy, "a1111": t.png_a1111}.get(entry.generative or "", t.png),
        "mov": t.mov, "wav": t.wav,
    }
    return by_kind[entry.kind]


def build_cut(root: Path, clips: int, entries: Sequence[MediaEntry], rng: random.Random) -> Any:
    """The episode's cut: ``clips`` clips over four tracks, each media entry used by several clips."""
    import opentimelineio as otio

    rate = 24.0
    timeline = otio.schema.Timeline(name="EP101_cut_v014")
    timeline.global_start_time = otio.opentime.RationalTime(86400, rate)
    video = [e for e in entries if not e.audio]
    audio = [e for e in entries if e.audio]
    per_track = clips // len(TRACKS)
    for name, kind in TRACKS:
        track = otio.schema.Track(name=name, kind=kind)
        pool = audio if kind == "Audio" else video
        for index in range(per_track):
            entry = pool[rng.randrange(len(pool))]
            track.append(_clip(root, entry, index, rate, rng, otio))
        timeline.tracks.append(track)
    return timeline


def _clip(root: Path, entry: MediaEntry, index: int, rate: float, rng: random.Random, otio: Any) -> Any:
    duration = rng.randint(12, 96)
    start = rng.randint(0, 4) + 1001
    name = Path(entry.path).name.split(".")[0]
    used = otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(duration, rate))
    if entry.kind == "exr_seq":
        directory, base = str(root / entry.path).rsplit("/", 1)
        prefix, suffix = base.split("####")
        reference = otio.schema.ImageSequenceReference(
            target_url_base=directory + "/", name_prefix=prefix, name_suffix=suffix, start_frame=1001,
            frame_step=1, rate=rate, frame_zero_padding=4,
            available_range=otio.opentime.TimeRange(otio.opentime.RationalTime(1001, rate),
                                                    otio.opentime.RationalTime(SEQUENCE_FRAMES, rate)))
    else:
        reference = otio.schema.ExternalReference(target_url=str(root / entry.path))
    clip = otio.schema.Clip(name=name, media_reference=reference, source_range=used)
    shot = name.split("_")[1] if "_" in name else name
    clip.metadata["studio"] = {"episode": "ep101", "shot": shot, "task": entry.kind, "vendor": "in-house",
                               "status": rng.choice(["wip", "review", "approved"]), "tracker_id": 100000 + index}
    clip.metadata["cmx_3600"] = {"reel": f"A{index % 97:03d}C{index % 53:03d}", "comments": [f"FROM CLIP NAME: {name}"]}
    clip.metadata["fcp_xml"] = {"@id": f"clipitem-{index}", "enabled": "TRUE", "masterclipid": f"masterclip-{index}"}
    if index % 20 == 0:
        marker = otio.schema.Marker(name="note", marked_range=otio.opentime.TimeRange(
            used.start_time, otio.opentime.RationalTime(0, rate)), color=otio.schema.MarkerColor.BLUE)
        marker.comment = "check edge on frame left"
        clip.markers.append(marker)
    return clip


def make_show(clips: int, seed: int = 101) -> Path:
    """Generate (or reuse) the show for a clip count; return its folder."""
    import opentimelineio as otio

    folder = OUT / f"show-{clips}"
    cut = folder / "cut.otio"
    if cut.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    rng = random.Random(seed)
    entries = plan_media(clips // CLIPS_PER_MEDIA, rng)
    media_root = folder / "media"
    files = write_media(media_root, entries, Templates())
    timeline = build_cut(media_root, clips, entries, rng)
    otio.adapters.write_to_file(timeline, str(folder / ".cut.otio"))
    (folder / "exiftool-args.txt").write_text("\n".join(exiftool_files(media_root, entries)) + "\n")
    (folder / "show.json").write_text(json.dumps({"clips": clips, "media": len(entries), "files": files,
                                                  "generative": sum(1 for e in entries if e.generative),
                                                  "missing": sum(1 for e in entries if e.missing)}))
    os.replace(folder / ".cut.otio", cut)
    return folder


def exiftool_files(root: Path, entries: Sequence[MediaEntry]) -> list[str]:
    """What genflag reads: each single file, and first/middle/last frame of each sequence."""
    out = []
    for entry in entries:
        if entry.missing:
            continue
        if entry.kind == "exr_seq":
            frames = (1001, 1001 + (SEQUENCE_FRAMES - 1) // 2, 1000 + SEQUENCE_FRAMES)
            out.extend(str(root / entry.path.replace("####", f"{f:04d}")) for f in frames)
        else:
            out.append(str(root / entry.path))
    return out


# ---- measuring --------------------------------------------------------------------------------

@dataclass
class Run:
    """One whole-process run: wall seconds, peak memory, exit code."""

    seconds: float
    peak_mb: float
    code: int


@dataclass
class Measure:
    """Repeated runs of one command; the fastest is reported (the least disturbed by the machine)."""

    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def best(self) -> Run:
        """The fastest run."""
        return min(self.runs, key=lambda r: r.seconds)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"label": self.label, "seconds": [round(r.seconds, 3) for r in self.runs],
                "best_seconds": round(self.best.seconds, 3), "median_seconds": round(
                    statistics.median(r.seconds for r in self.runs), 3),
                "peak_mb": round(self.best.peak_mb, 1), "code": self.best.code}


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to completion; return its wall time and peak memory (its own ru_maxrss)."""
    started = time.perf_counter()
    process = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with {process.returncode}:\n{stderr[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode)


def measure(label: str, command: Sequence[str], repeat: int, before: Any = None) -> Measure:
    """Run a command ``repeat`` times (calling ``before()`` ahead of each run)."""
    result = Measure(label)
    for _ in range(repeat):
        if before:
            before()
        result.runs.append(timed(command))
    return result


def genflag(*args: str) -> list[str]:
    """The genflag command line of this interpreter's environment."""
    return [PYTHON, "-m", "genflag", *args]


FLOOR = ("import sys, opentimelineio as otio; "
         "otio.adapters.write_to_file(otio.adapters.read_from_file(sys.argv[1]), sys.argv[2])")


def measure_show(folder: Path, repeat: int) -> dict[str, Measure]:
    """Every measurement of one show."""
    cut, work = str(folder / "cut.otio"), folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    warm_cache, cold_cache = str(work / "cache-warm"), str(work / "cache-cold")
    timed(genflag("check", cut, "--cache-dir", warm_cache, "--no-progress"))  # fills the warm cache
    results = {
        "floor": measure("OpenTimelineIO read + write", [PYTHON, "-c", FLOOR, cut, str(work / "floor.otio")],
                         repeat),
        "check_warm": measure("genflag check (probe cache warm)",
                              genflag("check", cut, "--cache-dir", warm_cache), repeat),
        "check_cold": measure("genflag check (probe cache cold)", genflag("check", cut, "--cache-dir", cold_cache),
                              repeat, before=lambda: shutil.rmtree(cold_cache, ignore_errors=True)),
        "check_no_probe": measure("genflag check --no-probe", genflag("check", cut, "--no-probe"), repeat),
        "annotate_warm": measure("genflag annotate (probe cache warm)",
                                 genflag("annotate", cut, "-o", str(work / "flagged.otio"), "--cache-dir",
                                         warm_cache), repeat),
    }
    if shutil.which("exiftool"):
        results["exiftool"] = measure("exiftool -fast -json (same files)",
                                      ["exiftool", "-fast", "-json", "-q", "-@", str(folder / "exiftool-args.txt")],
                                      repeat)
    return results


# ---- reporting --------------------------------------------------------------------------------

def ratio(a: Measure | None, b: Measure | None) -> str:
    """a/b of the best runs, as '1.23x'."""
    return f"{a.best.seconds / b.best.seconds:.2f}x" if a and b else "-"


def table(show: dict[str, Any], results: dict[str, Measure]) -> str:
    """Markdown table of one show's measurements."""
    lines = [f"### {show['clips']:,} clips, {show['media']:,} media ({show['files']:,} files, "
             f"{show['generative']} generative, {show['missing']} missing)", "",
             "| run | best s | median s | peak MB |", "|---|---|---|---|"]
    for measure_ in results.values():
        data = measure_.to_dict()
        lines.append(f"| {data['label']} | {data['best_seconds']:.2f} | {data['median_seconds']:.2f} "
                     f"| {data['peak_mb']:.0f} |")
    floor, r = results.get("floor"), results
    peak = (r["check_warm"].best.peak_mb / floor.best.peak_mb) if floor else 0
    lines += ["", "| ratio | measured | target |", "|---|---|---|",
              f"| warm `check` / OTIO read+write | {ratio(r['check_warm'], floor)} | <= 1.5x |",
              f"| cold `check` / exiftool | {ratio(r['check_cold'], r.get('exiftool'))} | <= 0.5x |",
              f"| `check --no-probe` / OTIO read+write | {ratio(r['check_no_probe'], floor)} | <= 1.3x |",
              f"| warm `annotate` / OTIO read+write | {ratio(r['annotate_warm'], floor)} | - |",
              f"| peak memory, warm `check` / OTIO | {peak:.2f}x | <= 1.5x |", ""]
    return "\n".join(lines)


def linearity(rows: list[tuple[dict[str, Any], dict[str, Measure]]]) -> str:
    """Per-clip cost of the warm check at each size, relative to the smallest."""
    if len(rows) < 2:
        return ""
    base = rows[0][1]["check_warm"].best.seconds / rows[0][0]["clips"]
    lines = ["| clips | warm check ms/clip | vs smallest |", "|---|---|---|"]
    for show, results in rows:
        per = results["check_warm"].best.seconds / show["clips"]
        lines.append(f"| {show['clips']:,} | {per * 1000:.3f} | {per / base:.2f}x |")
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="clip counts (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (fastest reported)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per measurement above 10k clips")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the shows, measure them, print and save the tables."""
    args = parse_args(argv)
    OUT.mkdir(exist_ok=True)
    rows = []
    for clips in [int(float(s)) for s in args.sizes.split(",")]:
        folder = make_show(clips)
        show = json.loads((folder / "show.json").read_text())
        print(f"measuring {folder} ...", file=sys.stderr, flush=True)
        rows.append((show, measure_show(folder, args.repeat if clips <= 10000 else args.repeat_large)))
    text = "\n".join(table(show, results) for show, results in rows) + "\n" + linearity(rows)
    print(text)
    stamp = date.today().isoformat()
    (OUT / f"show-results-{stamp}.md").write_text(text)
    (OUT / f"show-results-{stamp}.json").write_text(json.dumps(
        [{"show": show, "results": {k: m.to_dict() for k, m in results.items()}} for show, results in rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
