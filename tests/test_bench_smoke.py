"""The benchmarks still run (bench/ is not a test, but a benchmark that no longer runs is found only
when someone needs its figures): tiny sizes, their tables, and their own checks of what genflag found."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.integration


def _bench(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(REPO / "bench" / script), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_memory_benchmark_measures_a_small_cut(tmp_path: Path) -> None:
    out = _bench("memory.py", "--sizes", "300", "--data", str(tmp_path))
    [row] = [line for line in out.splitlines() if line.startswith("| 300 |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert float(cells[6].rstrip("x")) > 0 and cells[7] in ("met", "NOT met")


def test_the_no_probe_benchmark_flags_exactly_the_planned_clips_in_each_format(tmp_path: Path) -> None:
    out = _bench("run.py", "--sizes", "300", "--formats", "otio,edl", "--no-batch", "--repeat", "1",
                 "--data", str(tmp_path))
    speed = out.split("## Speed", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in speed.splitlines() if re.match(r"\| 300 \| (otio|edl) \|", line)]
    assert len(rows) == 2
    for row in rows:
        found, expected = re.search(r"\| (\d+) \((\d+)\) \|", row).groups()  # type: ignore[union-attr]
        assert int(found) == int(expected) > 0, row
    assert ": failed (exit" not in out  # a command the benchmark runs was refused
