#!/usr/bin/env python3
"""Measure the memory a huge cut needs: genflag's default check against OpenTimelineIO's read.

    .venv/bin/python bench/memory.py                      # the 1M-clip .otio (3.7 GB; generated once)
    .venv/bin/python bench/memory.py --sizes 100000

The cut is bench/generate.py's (seeded; its media paths do not exist on this machine, so every
file is looked up and found missing: the probing path without the probing). Each measurement is a
whole process, its peak resident memory taken from os.wait4 (the process and the worker it forks
per timeline):

- OpenTimelineIO: ``otio.adapters.read_from_file`` of the cut, nothing else;
- genflag: ``genflag check CUT --format json -o OUT``, default options (media probing on, the
  memory limit at its default), exactly as users run it.

The budget (docs/security.md) is genflag's peak within 1.5x of OpenTimelineIO's. Figures go to
stdout as Markdown and to bench/out/memory-<date>.json; RESULTS.md quotes them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is not a package)
from show import Run, timed  # noqa: E402

BUDGET = 1.5
GENFLAG = str(Path(sys.executable).parent / "genflag")


def measure_size(clips: int, data: Path) -> dict[str, object]:
    """Generate (once) and measure one cut: OTIO's read and genflag's default check."""
    generate.write_cut(data, clips, generate.DEFAULT_SEED, ("otio",), False)
    cut = str(generate.cut_path(data, clips, "otio"))
    floor = timed([sys.executable, "-c", "import sys, opentimelineio as otio; "
                   "otio.adapters.read_from_file(sys.argv[1])", cut])
    with tempfile.TemporaryDirectory(dir=HERE / "out") as work:
        check = timed([GENFLAG, "check", cut, "--format", "json", "-o", str(Path(work) / "findings.json"),
                       "--cache-dir", str(Path(work) / "cache")])
        findings = json.loads((Path(work) / "findings.json").read_text())
    summary = findings.get("summary", {})
    return {"clips": clips, "bytes": Path(cut).stat().st_size, "otio_read": _run(floor),
            "genflag_check": _run(check), "ratio": round(check.peak_mb / floor.peak_mb, 2),
            "findings": summary.get("findings"), "media": summary.get("media")}


def _run(run: Run) -> dict[str, float]:
    return {"seconds": round(run.seconds, 1), "peak_mb": round(run.peak_mb), "code": run.code}


def table(rows: list[dict[str, object]]) -> str:
    """The figures as Markdown."""
    lines = ["| clips | file | OTIO read s | OTIO read peak MB | genflag check s | genflag check peak MB "
             f"| peak ratio | budget <= {BUDGET}x |", "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        floor, check = row["otio_read"], row["genflag_check"]
        assert isinstance(floor, dict) and isinstance(check, dict)
        lines.append(f"| {row['clips']:,} | {int(row['bytes']) / 1e9:.2f} GB | {floor['seconds']} | {floor['peak_mb']:,} "
                     f"| {check['seconds']} | {check['peak_mb']:,} | {row['ratio']}x "
                     f"| {'met' if float(row['ratio']) <= BUDGET else 'NOT met'} |")  # type: ignore[arg-type]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000", help="clip counts (comma-separated; 1e6 forms accepted)")
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_OUT, help="where the cuts are generated")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    (HERE / "out").mkdir(exist_ok=True)
    rows = [measure_size(clips, args.data) for clips in generate.parse_sizes(args.sizes)]
    report = table(rows)
    print(report)
    (HERE / "out" / f"memory-{date.today().isoformat()}.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
