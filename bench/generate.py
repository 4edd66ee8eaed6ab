#!/usr/bin/env python3
"""Generate deterministic synthetic editorial cuts for genflag's benchmark.

    .venv/bin/python bench/generate.py [--sizes 1000,10000,100000] [--out bench/out/data] [--verify]

Each size is written as ``cut-<N>.otio`` (three video and three audio tracks), ``cut-<N>.xml``
(FCP 7 XML, the same tracks; an image sequence is named by its first frame file, as Premiere
exports it, because the FCP 7 writer only writes file references, each with an available range) and ``cut-<N>.edl`` (CMX 3600: one video
track of N clips, as the format allows). A few per cent of the clips are generative, carried by
their name, media path, a marker or metadata; ``cut-<N>.manifest.json`` lists, per format,
which clips the default rule pack must flag (only carriers that survive that format count), and
``--verify`` checks exactly that with genflag's own Checker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opentimelineio as otio

GENERATOR_VERSION = 1
DEFAULT_SEED = 20261125
DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "data"
FORMATS = ("otio", "edl", "xml")
RATE = 24
RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange

#: Share of clips per track (otio and xml); the EDL holds one video track only.
TRACKS = (("V1", "Video", 0.46), ("VFX", "Video", 0.12), ("GFX", "Video", 0.03),
          ("DX", "Audio", 0.21), ("SFX", "Audio", 0.11), ("MX", "Audio", 0.07))
EDL_TRACKS = (("V1", "Video", 1.0),)
GENERATIVE_SHARE = 0.03
MARKER_SHARE = 0.05

#: Which generative carriers each writer keeps (docs/DESIGN.md "Round trips").
SURVIVES = {"otio": {"name", "path", "marker_name", "marker_comment", "studio", "fcp"},
            "xml": {"name", "path", "marker_name", "marker_comment", "fcp"},
            "edl": {"name", "path", "marker_name"}}

TASKS = ("comp", "comp", "comp", "dmp", "lgt", "fx", "roto", "prep", "cleanup")
VENDORS = ("in-house", "Framestore", "DNEG", "Rodeo FX", "Outpost VFX", "BOT VFX")
STATUSES = ("apr", "ip", "rev", "fin", "hld")
LABELS = ("Iris", "Violet", "Mango", "Lavender", "Forest", "Caribbean")
SFX_NAMES = ("door_slam", "footsteps_gravel", "car_pass_by", "rain_window", "glass_break", "crowd_murmur",
             "wind_gust", "phone_ring", "dog_bark_far", "thunder_roll")
NOTES = ("fix grain top left", "check sync", "slate visible at head", "CC: match to SH0400", "dust on lens",
         "boom in frame", "reframe 5% up", "sound: room tone missing", "hold for director", "flash frame")
MARKER_NAMES = ("note", "VFX note", "CC", "sound", "editorial", "fix")
MARKER_COLORS = ("RED", "YELLOW", "BLUE", "GREEN", "PURPLE", "CYAN")


@dataclass
class Shot:
    """The identity of one clip: episode, shot, task, version and a running number."""

    episode: str
    shot: str
    task: str
    version: int
    number: int

    @property
    def name(self) -> str:
        """Clip name as a VFX pipeline spells it, e.g. EP101_SH0420_comp_v012."""
        return f"{self.episode}_{self.shot}_{self.task}_v{self.version:03d}"


@dataclass
class ClipSpec:
    """Everything about one clip before it becomes an OTIO object."""

    name: str
    media: str  # a path; "####" marks an image sequence
    duration: int
    source_start: int
    metadata: dict[str, Any]
    markers: list[tuple[str, str, str]] = field(default_factory=list)  # name, colour, comment
    carrier: str | None = None  # set on generative clips: what carries the evidence


def _plate(rng: random.Random, shot: Shot) -> tuple[str, str]:
    cam = f"{rng.choice('ABC')}{rng.randint(1, 40):03d}_C{rng.randint(1, 60):03d}_{rng.randint(101, 1231):04d}{rng.choice('ABC')}0"
    return cam, f"/mnt/show/{shot.episode.lower()}/editorial/dailies/day{rng.randint(1, 60):02d}/{cam}.mov"


def video_spec(rng: random.Random, shot: Shot) -> ClipSpec:
    """A picture clip: a camera plate (.mov) or a VFX version (EXR sequence)."""
    duration = rng.randint(24, 240)
    if shot.task == "plate" or rng.random() < 0.35:
        cam, path = _plate(rng, shot)
        name, start, reel = cam, rng.randint(0, 20000) + 86400, cam.replace("_", "")[:8]
    else:
        folder = f"/mnt/show/{shot.episode.lower()}/{shot.shot.lower()}/{shot.task}/v{shot.version:03d}"
        name, start, reel = shot.name, 1001 + 8, shot.shot
        path = f"{folder}/{shot.name}.####.exr"
    return ClipSpec(name, path, duration, start, _metadata(rng, shot, reel))


def audio_spec(rng: random.Random, shot: Shot, track: str) -> ClipSpec:
    """A sound clip: dialogue take, sound effect or music cue (.wav)."""
    ep = shot.episode
    if track == "DX":
        name = f"{ep}_SC{rng.randint(1, 60):02d}_DX_{shot.shot}_take{rng.randint(1, 12):02d}"
        path = f"/mnt/show/{ep.lower()}/audio/dx/{name}.wav"
    elif track == "SFX":
        name = f"SFX_{rng.choice(SFX_NAMES)}_{rng.randint(1, 40):02d}"
        path = f"/mnt/library/sfx/{name}.wav"
    else:
        name = f"{ep}_MX_{rng.randint(1, 40):02d}_underscore_v{rng.randint(1, 6)}"
        path = f"/mnt/show/{ep.lower()}/audio/music/{name}.wav"
    return ClipSpec(name, path, rng.randint(24, 480), rng.randint(8, 5000), _metadata(rng, shot, "AUDIO"))


def _metadata(rng: random.Random, shot: Shot, reel: str) -> dict[str, Any]:
    return {
        "cmx_3600": {"reel": reel},
        "fcp_xml": {"logginginfo": {"scene": str(rng.randint(1, 60)), "shottake": str(rng.randint(1, 12)),
                                    "lognote": ""},
                    "labels": {"label2": rng.choice(LABELS)}},
        "studio": {"episode": shot.episode, "shot": shot.shot, "task": shot.task, "version": shot.version,
                   "vendor": rng.choice(VENDORS), "status": rng.choice(STATUSES),
                   "sg_version_id": 40000 + shot.number},
    }


# ---- generative clips: each template sets one carrier the default rule pack recognises ----------

def _gen_name(label: str) -> Callable[[random.Random, Shot, ClipSpec], None]:
    def apply(rng: random.Random, shot: Shot, spec: ClipSpec) -> None:
        spec.name = f"{shot.episode}_{shot.shot}_{label}_v{shot.version:03d}"
        spec.media = f"/mnt/show/{shot.episode.lower()}/{shot.shot.lower()}/dmp/v{shot.version:03d}/{spec.name}.####.exr"
        spec.carrier = "name"
    return apply


def _gen_path(make: Callable[[random.Random, Shot], str]) -> Callable[[random.Random, Shot, ClipSpec], None]:
    def apply(rng: random.Random, shot: Shot, spec: ClipSpec) -> None:
        spec.name = f"{shot.episode}_{shot.shot}_bg_v{shot.version:03d}"
        spec.media = make(rng, shot)
        spec.carrier = "path"
    return apply


def _gen_marker(name: str, comment: str) -> Callable[[random.Random, Shot, ClipSpec], None]:
    def apply(rng: random.Random, shot: Shot, spec: ClipSpec) -> None:
        spec.markers = [(name, "ORANGE", comment)]
        spec.carrier = "marker_comment" if comment else "marker_name"
    return apply


def _gen_metadata(namespace: str, key: str, value: str) -> Callable[[random.Random, Shot, ClipSpec], None]:
    def apply(rng: random.Random, shot: Shot, spec: ClipSpec) -> None:
        if namespace == "fcp":
            spec.metadata["fcp_xml"]["logginginfo"]["lognote"] = value
        else:
            spec.metadata["studio"][key] = value
        spec.carrier = namespace
    return apply


def _gen_audio_name(make: Callable[[random.Random, Shot], str]) -> Callable[[random.Random, Shot, ClipSpec], None]:
    def apply(rng: random.Random, shot: Shot, spec: ClipSpec) -> None:
        spec.name = make(rng, shot)
        spec.media = f"/mnt/show/{shot.episode.lower()}/audio/temp/{spec.name}"
        spec.carrier = "name"
    return apply


VIDEO_GENERATIVE = (
    _gen_name("bg_midjourney"), _gen_name("SDXL_matte"), _gen_name("RunwayGen4"), _gen_name("veo3_crowd"),
    _gen_name("kling2.1"), _gen_name("LumaDreamMachine"),
    _gen_path(lambda r, s: f"/mnt/gen/ComfyUI/output/ComfyUI_{s.number:05d}_.png"),
    _gen_path(lambda r, s: f"/mnt/show/{s.episode.lower()}/ai/20241206_1608_Alien Ship Emergence_storyboard_"
                           f"01jef74b47ezrvx8wh7f{s.number:012x}.mp4"),
    _gen_marker("VFX note", "crowd extension generated in Sora 2, needs approval"),
    _gen_marker("VFX note", "sign removed in Runway Aleph"),
    _gen_marker("Generative Extend +12f", ""),
    _gen_metadata("studio", "notes", "Made in Adobe Firefly (Image 3)"),
    _gen_metadata("studio", "generator", "model gen4_turbo"),
    _gen_metadata("fcp", "lognote", "veo-3.0-generate-001"),
)
AUDIO_GENERATIVE = (
    _gen_audio_name(lambda r, s: f"ElevenLabs_2024-08-29T16_46_{s.number % 60:02d}_Laura_pre_s50_sb75_se0_b_m2.mp3"),
    _gen_audio_name(lambda r, s: f"{s.episode}_MX_{s.number % 100:02d}_udio_v1.5_demo.wav"),
    _gen_audio_name(lambda r, s: f"{s.episode}_TEMP_MX_suno_v4.5_chase_{s.number}.mp3"),
    _gen_marker("VO", "text-to-speech placeholder, replace with talent"),
)


# ---- building the OTIO objects ---------------------------------------------------------------

def clip_specs(rng: random.Random, count: int, track: str, kind: str, episode: str) -> Iterator[ClipSpec]:
    """Yield ``count`` clip specs for one track, a few per cent generative, some with markers."""
    for _ in range(count):
        number = rng.randint(1, 999_999)
        shot = Shot(episode, f"SH{rng.randint(1, 400) * 10:04d}", rng.choice(TASKS), rng.randint(1, 30), number)
        spec = video_spec(rng, shot) if kind == "Video" else audio_spec(rng, shot, track)
        if rng.random() < GENERATIVE_SHARE:
            rng.choice(VIDEO_GENERATIVE if kind == "Video" else AUDIO_GENERATIVE)(rng, shot, spec)
        elif rng.random() < MARKER_SHARE:
            spec.markers = [(rng.choice(MARKER_NAMES), rng.choice(MARKER_COLORS), rng.choice(NOTES))]
        yield spec


def media_reference(spec: ClipSpec, fmt: str) -> Any:
    """The clip's media reference; FCP 7 XML names an EXR sequence by its first frame, as Premiere does."""
    available = TR(RT(spec.source_start - 8, RATE), RT(spec.duration + 16, RATE))
    if "####" in spec.media and fmt != "xml":
        folder, name = spec.media.rsplit("/", 1)
        prefix, suffix = name.split("####")
        return otio.schema.ImageSequenceReference(
            target_url_base=folder + "/", name_prefix=prefix, name_suffix=suffix, start_frame=spec.source_start - 8,
            frame_step=1, rate=RATE, frame_zero_padding=4, available_range=available)
    target = spec.media.replace(".####.", f".{spec.source_start - 8:04d}.")
    return otio.schema.ExternalReference(target_url=target, available_range=available)


def make_clip(spec: ClipSpec, fmt: str) -> otio.schema.Clip:
    """Turn a spec into an OTIO clip with its reference, metadata and markers."""
    clip = otio.schema.Clip(name=spec.name, media_reference=media_reference(spec, fmt),
                            source_range=TR(RT(spec.source_start, RATE), RT(spec.duration, RATE)),
                            metadata=spec.metadata)
    for name, color, comment in spec.markers:
        marker = otio.schema.Marker(name=name, color=color,
                                    marked_range=TR(RT(spec.source_start + spec.duration // 2, RATE), RT(0, RATE)),
                                    metadata={"fcp_xml": {"comment": comment}} if comment else {})
        marker.comment = comment
        clip.markers.append(marker)
    return clip


def track_counts(total: int, tracks: tuple[tuple[str, str, float], ...]) -> list[int]:
    """Split ``total`` clips over tracks by their shares, exactly."""
    counts = [int(total * share) for _, _, share in tracks]
    counts[0] += total - sum(counts)
    return counts


def build_cut(total: int, fmt: str, seed: int) -> tuple[otio.schema.Timeline, list[ClipSpec]]:
    """Build one synthetic cut of ``total`` clips for a format; return it with the clip specs."""
    rng = random.Random(f"{seed}:{total}:{'edl' if fmt == 'edl' else 'multi'}")
    episode = f"EP{100 + total % 97:03d}"
    timeline = otio.schema.Timeline(name=f"{episode}_cut_{total}", global_start_time=RT(86400, RATE))
    layout = EDL_TRACKS if fmt == "edl" else TRACKS
    longest = edl_longest_clip(total) if fmt == "edl" else None
    specs: list[ClipSpec] = []
    for (track_name, kind, _), count in zip(layout, track_counts(total, layout)):
        track = otio.schema.Track(name=track_name, kind=kind)
        gappy = track_name not in ("V1", "DX")
        for spec in clip_specs(rng, count, track_name, kind, episode):
            if longest is not None:
                spec.duration = 4 + spec.duration % (longest - 3)
            if gappy:
                track.append(otio.schema.Gap(duration=RT(rng.randint(0, 96), RATE)))
            track.append(make_clip(spec, fmt))
            specs.append(spec)
        timeline.tracks.append(track)
    return timeline, specs


def edl_longest_clip(total: int) -> int | None:
    """Longest clip (frames) that keeps an EDL's record timecode under 24 hours, or None if all fit."""
    day = 23 * 3600 * RATE
    if total * 132 <= day:  # 132 frames: the mean of 24..240
        return None
    return max(8, 2 * day // total - 4)


def expected_flags(specs: list[ClipSpec], fmt: str) -> dict[str, int]:
    """Clip names (with counts) the default pack must flag in this format."""
    return dict(Counter(s.name for s in specs if s.carrier and s.carrier in SURVIVES[fmt]))


# ---- files -----------------------------------------------------------------------------------

def cut_path(out: Path, total: int, fmt: str) -> Path:
    """Path of a generated cut."""
    return out / f"cut-{total}.{fmt}"


def write_cut(out: Path, total: int, seed: int, formats: tuple[str, ...] = FORMATS,
              force: bool = False) -> dict[str, Any]:
    """Write one size's cuts in the given formats (those already generated are kept) and its manifest."""
    manifest_path = out / f"cut-{total}.manifest.json"
    manifest: dict[str, Any] = {"generator": GENERATOR_VERSION, "seed": seed, "clips": total, "formats": {}}
    if manifest_path.exists():
        old = json.loads(manifest_path.read_text())
        if old.get("generator") == GENERATOR_VERSION and old.get("seed") == seed:
            manifest = old
    for fmt in formats:
        path = cut_path(out, total, fmt)
        if not force and fmt in manifest["formats"] and path.exists():
            continue
        started = time.perf_counter()
        timeline, specs = build_cut(total, fmt, seed)
        _write(timeline, path)
        flags = expected_flags(specs, fmt)
        manifest["formats"][fmt] = {
            "path": path.name, "clips": len(specs), "tracks": len(timeline.tracks),
            "markers": sum(len(s.markers) for s in specs), "generative_clips": sum(1 for s in specs if s.carrier),
            "expected_flagged_clips": sum(flags.values()), "expected_flagged": flags,
            "bytes": path.stat().st_size}
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        print(f"wrote {path} ({len(specs)} clips, {sum(flags.values())} to flag, "
              f"{path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f}s)", file=sys.stderr)
    return manifest


def formats_for(total: int, xml_max: int) -> tuple[str, ...]:
    """The formats generated for a size: FCP 7 XML only up to xml_max clips (its writer is superlinear)."""
    return tuple(fmt for fmt in FORMATS if fmt != "xml" or total <= xml_max)


def _write(timeline: otio.schema.Timeline, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    if path.suffix == ".edl" and len(timeline.tracks[0]) > EDL_CHUNK:
        tmp.write_text(chunked_edl(timeline))
    else:
        otio.adapters.write_to_file(timeline, str(tmp))
    os.replace(tmp, path)


#: OpenTimelineIO's cmx_3600 writer is quadratic in the clips of a track (it computes every event's
#: record range from the track's start: 2000 clips 1.1 s, 4000 clips 3.5 s), so
#: long EDLs are written by the same writer in chunks of this many clips and joined.
EDL_CHUNK = 1000
_EVENT = re.compile(r"^\d{3,}(?=\s)")


def chunked_edl(timeline: otio.schema.Timeline) -> str:
    """Write a one-track timeline as CMX 3600 with OTIO's writer, a chunk of clips at a time."""
    clips = list(timeline.tracks[0])
    lines: list[str] = []
    offset = RT(0, RATE)
    events = 0
    for start in range(0, len(clips), EDL_CHUNK):
        part = otio.schema.Timeline(name=timeline.name)
        track = otio.schema.Track(name="V1")
        part.tracks.append(track)
        if start:
            track.append(otio.schema.Gap(duration=offset))  # the writer skips it: record times continue
        for clip in clips[start:start + EDL_CHUNK]:
            track.append(clip.clone())
            offset += clip.duration()
        for line in otio.adapters.write_to_string(part, "cmx_3600").splitlines():
            if start and (not line.strip() or line.startswith(("TITLE:", "FCM:"))):
                continue
            if _EVENT.match(line):
                events += 1
                line = _EVENT.sub(f"{events:03d}", line)
            lines.append(line)
    return "\n".join(lines) + "\n"


def write_batch(out: Path, count: int, clips: int, seed: int) -> Path:
    """Write ``count`` .otio cuts of ``clips`` clips each (reels of a show) into one folder."""
    folder = out / f"batch-{count}x{clips}-g{GENERATOR_VERSION}-s{seed}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for index in range(count):
        timeline, _ = build_cut(clips, "otio", seed + 1 + index)
        timeline.name = f"reel_{index + 1:03d}"
        _write(timeline, folder / f"reel-{index + 1:03d}.otio")
    done.write_text(str(count))
    print(f"wrote {count} timelines of {clips} clips into {folder} ({time.perf_counter() - started:.1f}s)",
          file=sys.stderr)
    return folder


def verify(out: Path, total: int) -> list[str]:
    """Check each format of one size with genflag's Checker; return the differences from the manifest."""
    from genflag.check.checker import Checker, CheckOptions
    manifest = json.loads((out / f"cut-{total}.manifest.json").read_text())
    checker = Checker(CheckOptions(probe_media=False))
    problems = []
    for fmt in sorted(manifest["formats"]):
        result = checker.check_path(str(cut_path(out, total, fmt)))
        flagged = Counter()
        for name in {(f.clip_index, f.clip) for f in result.findings}:
            flagged[name[1]] += 1
        expected = Counter(manifest["formats"][fmt]["expected_flagged"])
        missing, extra = expected - flagged, flagged - expected
        if result.errors or missing or extra or result.clips != manifest["formats"][fmt]["clips"]:
            problems.append(f"{fmt}: errors={result.errors} clips={result.clips} missing={dict(missing)} "
                            f"extra={dict(extra)}")
        print(f"verify {fmt}: {result.clips} clips, {sum(flagged.values())} flagged "
              f"(expected {sum(expected.values())}), {len(result.findings)} findings", file=sys.stderr)
    return problems


def parse_sizes(text: str) -> list[int]:
    """Parse a comma-separated list of clip counts (1000,10k,1e5 forms accepted)."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(float(part)))
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Generate the benchmark cuts (and optionally the batch), then optionally verify them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="clip counts (default 1000,10000,100000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch", type=int, default=0, metavar="COUNT", help="also write COUNT batch timelines")
    parser.add_argument("--batch-clips", type=int, default=500, help="clips per batch timeline (default 500)")
    parser.add_argument("--xml-max", type=int, default=10000,
                        help="largest cut also written as FCP 7 XML (default 10000: OpenTimelineIO's fcp_xml "
                             "writer takes 16 s for 10k clips and grows faster than linearly)")
    parser.add_argument("--force", action="store_true", help="regenerate even when the files exist")
    parser.add_argument("--verify", action="store_true", help="check the generated cuts flag exactly as planned")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = parse_sizes(args.sizes)
    for total in sizes:
        write_cut(args.out, total, args.seed, formats_for(total, args.xml_max), args.force)
    if args.batch:
        write_batch(args.out, args.batch, args.batch_clips, args.seed)
    if args.verify:
        problems = [p for total in sizes for p in verify(args.out, total)]
        for problem in problems:
            print(f"verify: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
