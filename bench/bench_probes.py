"""Benchmark the media probes: files probed per second, cold and warm cache (not a timed test).

Usage: python bench/bench_probes.py [--files N] [--jobs J] [--corpus DIR]

Generates N small media files in a temporary directory (a mix of C2PA-signed JPEGs, JPEGs with
EXIF/XMP, PNGs with generator chunks, EXR headers, files with sidecars), optionally adds the
shared corpus, then probes them twice with a fresh cache: cold (every file read) and warm
(answered from the cache, nothing read).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, PngImagePlugin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from genflag.media.probe_runner import MediaTarget, ProbeRunner, RunnerOptions  # noqa: E402
from tests.probe_fixtures import exr_file, exr_string, manifest, sign, tiny_jpeg  # noqa: E402


def make_files(directory: Path, count: int) -> list[str]:
    """Write ``count`` files cycling through five kinds; return their paths."""
    signed, _ = sign(tiny_jpeg(), manifest("trainedAlgorithmicMedia"))
    comfy = PngImagePlugin.PngInfo()
    comfy.add_text("prompt", json.dumps({"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m"}}}))
    paths = []
    for index in range(count):
        kind = index % 5
        path = directory / f"f{index:06d}.{['jpg', 'jpg', 'png', 'exr', 'mov'][kind]}"
        if kind == 0:
            path.write_bytes(signed)
        elif kind == 1:
            exif = Image.Exif()
            exif[0x0131] = f"Camera {index}"
            buf = io.BytesIO()
            Image.new("RGB", (64, 64), (index % 255, 0, 0)).save(buf, "JPEG", exif=exif.tobytes())
            path.write_bytes(buf.getvalue())
        elif kind == 2:
            Image.new("RGB", (64, 64), (0, index % 255, 0)).save(path, pnginfo=comfy)
        elif kind == 3:
            path.write_bytes(exr_file(exr_string("software", "Nuke"), exr_string("shot", f"sh{index}")))
        else:
            path.write_bytes(b"\x00\x00\x00\x14ftypqt  " + struct.pack(">I", index) + b"\x00" * 64)
            Path(str(path) + ".genflag.json").write_text(json.dumps({"generator": "Runway"}))
        paths.append(str(path))
    return paths


def timed_run(paths: list[str], cache_dir: str, jobs: int) -> tuple[float, dict[str, int]]:
    """Probe the paths once; return (seconds, runner stats)."""
    started = time.perf_counter()
    with ProbeRunner(RunnerOptions(cache_dir=cache_dir, jobs=jobs)) as runner:
        runner.run([MediaTarget(p) for p in paths])
        stats = dict(runner.stats)
    return time.perf_counter() - started, stats


def main() -> int:
    """Run the benchmark and print files/second for cold and warm runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--corpus", help="also probe every file under this directory (e.g. ../shared/corpus/media)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "media").mkdir()
        paths = make_files(root / "media", args.files)
        if args.corpus:
            paths += [str(p) for p in sorted(Path(args.corpus).rglob("*")) if p.is_file() and p.suffix not in (".md", ".tsv")]
        cache = str(root / "cache")
        for label in ("cold", "warm"):
            seconds, stats = timed_run(paths, cache, args.jobs)
            print(f"{label}: {len(paths)} files in {seconds:.2f} s = {len(paths) / seconds:,.0f} files/s "
                  f"(probed {stats['probed']}, from cache {stats['cached']}, jobs {args.jobs})")
        print(f"cache size: {os.path.getsize(os.path.join(cache, 'probes.sqlite')) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
