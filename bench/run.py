#!/usr/bin/env python3
"""Benchmark genflag against OpenTimelineIO's own read + write of the same timelines.

    .venv/bin/python bench/run.py                     # 1k, 10k, 100k clips; batch of 200 timelines
    .venv/bin/python bench/run.py --quick             # 1k and 10k, one run each, batch of 20
    .venv/bin/python bench/run.py --sizes 10000 --formats otio --no-batch

Every measurement runs in its own child process, so import time and peak memory (the child's
ru_maxrss) belong to that measurement alone. The child reports its in-process times: import,
rule-pack load, OpenTimelineIO read and write (timed around ``otio.adapters``), and the whole
command. Results are printed as Markdown tables and saved as JSON under bench/out/.
See bench/README.md for what each column means.
"""

from __future__ import annotations

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- the child side: one measurement, timed from inside ---------------------------------------

def _child(argv: list[str]) -> int:
    """Run one measurement (``floor IN OUT`` or ``genflag ARGS...``) and write its timings as JSON."""
    started = time.perf_counter()
    mode, report, args = argv[0], argv[1], argv[2:]
    timings: dict[str, float] = {"read_s": 0.0, "write_s": 0.0, "pack_s": 0.0}
    if mode == "floor":
        import opentimelineio as otio
        timings["import_s"] = time.perf_counter() - started
        timings["import_kb"] = _peak_kb()
        began = time.perf_counter()
        timeline = otio.adapters.read_from_file(args[0])
        timings["read_s"] = time.perf_counter() - began
        if len(args) > 1:
            began = time.perf_counter()
            otio.adapters.write_to_file(timeline, args[1])
            timings["write_s"] = time.perf_counter() - began
        began = time.perf_counter()
        del timeline  # genflag frees its timeline before main() returns; the floor does too (parity)
        timings["free_s"] = time.perf_counter() - began
        timings["main_s"] = timings["read_s"] + timings["write_s"] + timings["free_s"]
        code = 0
    else:
        import opentimelineio as otio

        import genflag.cli
        genflag.cli.build_parser(args[0])  # imports what `genflag COMMAND` imports, before timing
        timings["import_s"] = time.perf_counter() - started
        timings["import_kb"] = _peak_kb()
        _instrument(otio, timings)
        from genflag.check import isolation
        isolation.can_fork = lambda: False  # the work in this process, where the timings above see it
        began = time.perf_counter()
        code = genflag.cli.main(args)
        timings["main_s"] = time.perf_counter() - began
    timings["own_s"] = timings["main_s"] - timings["read_s"] - timings["write_s"] - timings["pack_s"]
    with open(report, "w", encoding="utf-8") as handle:
        import json
        json.dump({"code": code, **timings}, handle)
    return 0


def _peak_kb() -> float:
    """The process's peak resident memory so far (VmHWM), in KiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    import resource
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _instrument(otio: object, timings: dict[str, float]) -> None:
    """Time OpenTimelineIO's read/write and genflag's rule-pack load without changing what they do."""
    adapters = otio.adapters  # type: ignore[attr-defined]
    adapters.read_from_file = _timed(adapters.read_from_file, timings, "read_s")
    adapters.write_to_file = _timed(adapters.write_to_file, timings, "write_s")
    from genflag.check import checker as pipeline
    pipeline.Checker.__init__ = _timed(pipeline.Checker.__init__, timings, "pack_s")


def _timed(function, timings: dict[str, float], key: str):  # type: ignore[no-untyped-def]
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[key] += time.perf_counter() - began
    return wrapper


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "_child":
    sys.exit(_child(sys.argv[2:]))


# ---- the parent side ---------------------------------------------------------------------------

import argparse
import itertools
import json
import platform
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, HERE)
import generate

OUT = Path(HERE) / "out"
#: Writers that grow faster than linearly with clip count in OpenTimelineIO 0.18 (see RESULTS.md).
SLOW_WRITERS = {"edl": "cmx_3600", "xml": "fcp_xml"}
_FINDINGS = re.compile(r"(\d+) finding\(s\)")
#: Largest growth of per-clip time between two sizes still called linear (caches and memory make
#: every per-clip cost, OpenTimelineIO's own included, a little higher on much bigger timelines).
LINEAR_TOLERANCE = 1.5


@dataclass
class Run:
    """One child process: what it ran and what it measured."""

    wall_s: float
    peak_kb: float
    code: int
    timings: dict[str, float]
    findings: int | None


@dataclass
class Measure:
    """Repeated runs of one command on one file; the fastest run is reported."""

    label: str
    runs: list[Run] = field(default_factory=list)
    skipped: str | None = None

    def best(self, key: str) -> float | None:
        """Fastest value of a timing (wall_s, or an in-process key such as main_s)."""
        values = [r.wall_s if key == "wall_s" else r.timings.get(key) for r in self.runs]
        values = [v for v in values if v is not None]
        return min(values) if values else None

    def spread(self, key: str = "wall_s") -> float | None:
        """(slowest - fastest) / fastest over the runs: the measurement noise."""
        values = [r.wall_s if key == "wall_s" else r.timings.get(key, 0.0) for r in self.runs]
        return (max(values) - min(values)) / min(values) if len(values) > 1 and min(values) > 0 else None

    def peak_mb(self) -> float | None:
        """Peak resident memory of the child (largest over runs), MB."""
        return max(r.peak_kb for r in self.runs) / 1024 if self.runs else None


def run_child(mode: str, args: Sequence[str], stdout_path: str | None = None, env: dict[str, str] | None = None) -> Run:
    """Run one measurement in a fresh interpreter; return wall time, peak memory and its own timings."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as report:
        report_path = report.name
    with open(stdout_path or os.devnull, "w", encoding="utf-8") as out:
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "_child", mode, report_path, *args],
                                stdout=out, stderr=subprocess.PIPE, env=env)
        stderr = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own ru_maxrss
        wall = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        with open(report_path, encoding="utf-8") as handle:
            timings = json.load(handle)
    except (OSError, ValueError):
        raise ChildFailed(mode, args, proc.returncode, stderr) from None
    finally:
        os.unlink(report_path)
    code = int(timings.pop("code", proc.returncode))
    if code not in (0, 1):
        raise ChildFailed(mode, args, code, stderr)
    return Run(wall, float(usage.ru_maxrss), code, timings, _count_findings(stdout_path))


class ChildFailed(Exception):
    """A measurement whose command failed: reported in the tables, the run goes on."""

    def __init__(self, mode: str, args: Sequence[str], code: int, stderr: bytes) -> None:
        lines = [line for line in stderr.decode(errors="replace").splitlines() if line.strip()]
        self.reason = f"failed (exit {code}): {lines[-1][:200] if lines else 'no message'}"
        super().__init__(f"{mode} {' '.join(args)} {self.reason}")


def _count_findings(path: str | None) -> int | None:
    if not path or not os.path.exists(path):
        return None
    found = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = _FINDINGS.search(line)
            if match:
                found = int(match.group(1))
    return found


# ---- what genflag offers (options being added in parallel are detected, not assumed) ----------

def check_help() -> str:
    """`genflag check --help` text, to detect --jobs and --scheduler."""
    result = subprocess.run([sys.executable, "-m", "genflag", "check", "--help"], capture_output=True, text=True,
                            check=False)
    return result.stdout


def has_option(help_text: str, option: str) -> bool:
    """Return True when `genflag check` documents the option."""
    return re.search(rf"(^|\s){re.escape(option)}[\s=,]", help_text) is not None


# ---- the measurements ------------------------------------------------------------------------

@dataclass
class Case:
    """One timeline file measured three ways."""

    clips: int
    fmt: str
    path: str
    bytes: int
    expected_flagged: int
    floor: Measure
    check: Measure
    annotate: Measure


def measure_case(clips: int, fmt: str, manifest: dict[str, Any], data: Path, work: Path, repeat: int,
                 jobs_flag: list[str], slow_write_max: int) -> Case:
    """Measure OTIO's floor, genflag check and genflag annotate on one file, ``repeat`` times each."""
    info = manifest["formats"][fmt]
    path = str(data / info["path"])
    out_file = str(work / f"out-{clips}.{fmt}")
    case = Case(clips, fmt, path, info["bytes"], info["expected_flagged_clips"],
                Measure("otio read+write"), Measure("genflag check"), Measure("genflag annotate"))
    write_ok = fmt not in SLOW_WRITERS or clips <= slow_write_max
    if not write_ok:
        reason = (f"OpenTimelineIO's {SLOW_WRITERS[fmt]} writer is superlinear: skipped above "
                  f"{slow_write_max} clips (--slow-write-max)")
        case.annotate.skipped = reason
        case.floor.label = "otio read only"
    commands = [(case.floor, "floor", [path, out_file] if write_ok else [path], None),
                (case.check, "genflag", ["check", "--no-probe", *jobs_flag, path], str(work / "check.txt"))]
    if write_ok:
        commands.append((case.annotate, "genflag", ["annotate", "--no-probe", path, "-o", out_file],
                         str(work / "annotate.txt")))
    for index in range(repeat):
        for measure, mode, args, stdout_path in commands:
            if measure.skipped:
                continue
            _progress(f"{clips} {fmt} run {index + 1}/{repeat}: {measure.label}")
            _remove(out_file)  # each writer starts from no file (replacing one costs its unlink)
            try:
                measure.runs.append(run_child(mode, args, stdout_path))
            except ChildFailed as exc:
                measure.skipped = exc.reason
                _progress(str(exc))
        _remove(out_file)
    return case


@dataclass
class BatchRow:
    """One way of checking the whole batch."""

    label: str
    wall_s: float | None = None
    note: str = ""
    same_as_jobs1: bool | None = None


def measure_batch(folder: Path, work: Path, cores: int, help_text: str) -> list[BatchRow]:
    """Check the batch folder with --jobs 1, --jobs CORES and a 2-worker Dask LocalCluster."""
    rows: list[BatchRow] = []
    files = sorted(str(p) for p in folder.glob("*.otio"))
    floor = BatchRow("OpenTimelineIO read of every file, 1 process")
    began = time.perf_counter()
    script = "import sys, opentimelineio as otio\nfor p in sys.argv[1:]: otio.adapters.read_from_file(p)"
    subprocess.run([sys.executable, "-c", script, *files], check=True)
    floor.wall_s = time.perf_counter() - began
    rows.append(floor)
    if not has_option(help_text, "--jobs"):
        rows.append(BatchRow("genflag check --jobs 1", note="not available: `genflag check` has no --jobs yet"))
        rows.append(BatchRow(f"genflag check --jobs {cores}", note="not available: no --jobs"))
        single = BatchRow("genflag check (one process, no --jobs)")
        single.wall_s, _ = _timed_check([str(folder)], work / "batch-single.txt")
        rows.append(single)
        baseline_text = None
    else:
        one = BatchRow("genflag check --jobs 1")
        one.wall_s, baseline_text = _timed_check(["--jobs", "1", str(folder)], work / "batch-1.txt")
        rows.append(one)
        many = BatchRow(f"genflag check --jobs {cores}")
        many.wall_s, text = _timed_check(["--jobs", str(cores), str(folder)], work / f"batch-{cores}.txt")
        many.same_as_jobs1 = text == baseline_text
        rows.append(many)
    rows.append(_dask_row(folder, work, help_text, baseline_text))
    return rows


def _timed_check(args: list[str], stdout_path: Path) -> tuple[float, str]:
    began = time.perf_counter()
    with open(stdout_path, "w", encoding="utf-8") as out:
        code = subprocess.run([sys.executable, "-m", "genflag", "check", "--no-probe", *args], stdout=out,
                              stderr=subprocess.PIPE, check=False).returncode
    wall = time.perf_counter() - began
    if code not in (0, 1):
        raise SystemExit(f"bench: genflag check {' '.join(args)} exited {code}")
    return wall, _without_timing(stdout_path.read_text(encoding="utf-8"))


def _without_timing(text: str) -> str:
    """Output with the elapsed time removed, to compare runs."""
    return re.sub(r"\d+(\.\d+)?s\b", "", text)


def _dask_row(folder: Path, work: Path, help_text: str, baseline_text: str | None) -> BatchRow:
    row = BatchRow("genflag check --scheduler (Dask LocalCluster, 2 workers)")
    if not has_option(help_text, "--scheduler"):
        row.note = "not available: `genflag check` has no --scheduler yet"
        return row
    try:
        from distributed import LocalCluster
    except ImportError:
        row.note = "not available: dask.distributed is not installed"
        return row
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      preload=["genflag.check.dask_backend"]) as cluster:  # as README recommends for workers
        row.wall_s, text = _timed_check(["--scheduler", cluster.scheduler_address, str(folder)],
                                        work / "batch-dask.txt")
    row.same_as_jobs1 = None if baseline_text is None else text == baseline_text
    row.note = "cluster started before timing"
    return row


# ---- reporting -------------------------------------------------------------------------------

def _f(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(num: float | None, den: float | None) -> str:
    return "n/a" if num is None or not den else f"{num / den:.2f}x"


def speed_table(cases: list[Case]) -> str:
    """Times (seconds, fastest run) and ratios to OTIO's floor."""
    lines = [("| clips | format | MB | OTIO read | OTIO write | floor in-proc | floor wall "
              "| check in-proc | ratio | check wall | ratio | annotate in-proc | ratio | annotate wall | ratio "
              "| findings (expected clips) | noise |"),
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for c in cases:
        floor_in, floor_wall = c.floor.best("main_s"), c.floor.best("wall_s")
        chk_in, chk_wall = c.check.best("main_s"), c.check.best("wall_s")
        ann_in, ann_wall = c.annotate.best("main_s"), c.annotate.best("wall_s")
        noise = max((m.spread() or 0.0) for m in (c.floor, c.check, c.annotate))
        findings = c.check.runs[0].findings if c.check.runs else None
        lines.append(
            f"| {c.clips} | {c.fmt} | {c.bytes / 1e6:.1f} | {_f(c.floor.best('read_s'))} "
            f"| {_f(c.floor.best('write_s')) if c.annotate.skipped is None else 'skipped'} "
            f"| {_f(floor_in)} | {_f(floor_wall)} "
            f"| {_f(chk_in)} | {_ratio(chk_in, floor_in)} | {_f(chk_wall)} | {_ratio(chk_wall, floor_wall)} "
            f"| {_f(ann_in)} | {_ratio(ann_in, floor_in)} | {_f(ann_wall)} | {_ratio(ann_wall, floor_wall)} "
            f"| {findings} ({c.expected_flagged}) | {noise * 100:.0f}% |")
    return "\n".join(lines)


def breakdown_table(cases: list[Case]) -> str:
    """Where each genflag command spends its time, fastest run, seconds."""
    lines = [("| clips | format | command | wall | import | rule pack | OTIO read | genflag own | OTIO write "
              "| own µs/clip |"), "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in cases:
        for m in (c.check, c.annotate):
            if not m.runs:
                continue
            run = min(m.runs, key=lambda r: r.timings["main_s"])
            t = run.timings
            lines.append(f"| {c.clips} | {c.fmt} | {m.label.split()[-1]} | {_f(run.wall_s)} | {_f(t['import_s'])} "
                         f"| {_f(t['pack_s'])} | {_f(t['read_s'])} | {_f(t['own_s'])} | {_f(t['write_s'])} "
                         f"| {t['own_s'] / c.clips * 1e6:.0f} |")
    return "\n".join(lines)


def memory_table(cases: list[Case]) -> str:
    """Peak resident memory of each child, MB, and the ratio to OTIO's own read+write."""
    lines = ["| clips | format | OTIO import | OTIO read+write | genflag import | check | ratio | annotate | ratio |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in cases:
        floor = c.floor.peak_mb()
        otio_import, gf_import = _import_mb(c.floor), _import_mb(c.check)
        lines.append(f"| {c.clips} | {c.fmt} | {_f(otio_import, 0)} | {_f(floor, 0)} | {_f(gf_import, 0)} "
                     f"| {_f(c.check.peak_mb(), 0)} | {_ratio(c.check.peak_mb(), floor)} "
                     f"| {_f(c.annotate.peak_mb(), 0)} | {_ratio(c.annotate.peak_mb(), floor)} |")
    return "\n".join(lines)


def _import_mb(m: Measure) -> float | None:
    return min(r.timings["import_kb"] for r in m.runs) / 1024 if m.runs else None


def linearity_table(cases: list[Case]) -> str:
    """Microseconds per clip at each size: a flat row is linear, a growing one is not."""
    sizes = sorted({c.clips for c in cases})
    header = "| format | measure | " + " | ".join(f"{s} clips" for s in sizes) + " | largest / smallest |"
    lines = [header, "|---|---|" + "---:|" * (len(sizes) + 1)]
    for fmt in generate.FORMATS:
        by_size = {c.clips: c for c in cases if c.fmt == fmt}
        if not by_size:
            continue
        rows = (("OTIO read", lambda c: c.floor.best("read_s")),
                ("OTIO write", lambda c: c.floor.best("write_s") if c.annotate.skipped is None else None),
                ("check in-proc", lambda c: c.check.best("main_s")),
                ("check own", lambda c: _own(c.check)),
                ("annotate in-proc", lambda c: c.annotate.best("main_s")),
                ("annotate own", lambda c: _own(c.annotate)))
        for name, get in rows:
            per = {s: (get(c) / s * 1e6 if get(c) is not None else None) for s, c in by_size.items()}
            cells = [_f(per.get(s), 1) for s in sizes]
            known = [per[s] for s in sorted(per) if per[s] is not None]
            growth = f"{known[-1] / known[0]:.2f}" if len(known) > 1 and known[0] else "n/a"
            lines.append(f"| {fmt} | {name} | " + " | ".join(cells) + f" | {growth} |")
    return "\n".join(lines)


def _own(m: Measure) -> float | None:
    values = [r.timings["own_s"] for r in m.runs]
    return min(values) if values else None


def batch_table(rows: list[BatchRow], count: int, clips: int, cores: int) -> str:
    """Wall time for the batch and the speed-up over --jobs 1."""
    base = next((r.wall_s for r in rows if r.label.endswith("--jobs 1")), None)
    lines = [f"Batch: {count} timelines x {clips} clips (.otio), {cores} cores.", "",
             "| how | wall s | speed-up vs --jobs 1 | speed-up / cores | same output as --jobs 1 | note |",
             "|---|---:|---:|---:|---|---|"]
    for r in rows:
        speed = base / r.wall_s if base and r.wall_s and "genflag" in r.label else None
        parallel = "Dask" in r.label or (r.label.startswith("genflag check --jobs") and not r.label.endswith(" 1"))
        per_core = speed / (2 if "Dask" in r.label else cores) if speed and parallel else None
        same = "n/a" if r.same_as_jobs1 is None else ("yes" if r.same_as_jobs1 else "NO")
        lines.append(f"| {r.label} | {_f(r.wall_s)} | {_f(speed)} | {_f(per_core)} | {same} | {r.note} |")
    return "\n".join(lines)


def targets_table(cases: list[Case], batch: list[BatchRow], cores: int) -> str:
    """The issue's four targets, judged on the fastest runs."""
    lines = ["| target | measured | met |", "|---|---|---|"]
    ten = next((c for c in cases if c.clips == 10000 and c.fmt == "otio"), None)
    if ten and ten.annotate.runs and ten.floor.runs:
        r_in = ten.annotate.best("main_s") / ten.floor.best("main_s")
        r_wall = ten.annotate.best("wall_s") / ten.floor.best("wall_s")
        lines.append(f"| annotate 10k .otio within 1.3x of OTIO read+write, one process | "
                     f"{r_in:.2f}x in-process, {r_wall:.2f}x wall | {_yes(r_in <= 1.3)} in-process, "
                     f"{_yes(r_wall <= 1.3)} wall |")
    otio_cases = sorted((c for c in cases if c.fmt == "otio" and c.annotate.runs), key=lambda c: c.clips)
    for small, large in itertools.pairwise(otio_cases):
        steps = []
        for m in (small.check, large.check, small.annotate, large.annotate):
            steps.append(_own(m))
        check_growth = (steps[1] / large.clips) / (steps[0] / small.clips)
        annotate_growth = (steps[3] / large.clips) / (steps[2] / small.clips)
        otio_growth = ((large.floor.best("main_s") or 0) / large.clips) / ((small.floor.best("main_s") or 1) / small.clips)
        worst = max(check_growth, annotate_growth)
        lines.append(f"| linear in clips {small.clips} -> {large.clips} (genflag's own µs/clip may grow at most "
                     f"{LINEAR_TOLERANCE}x; quadratic would be x{large.clips // small.clips}) | check x{check_growth:.2f}, "
                     f"annotate x{annotate_growth:.2f} (OTIO's own read+write x{otio_growth:.2f}) "
                     f"| {_yes(worst <= LINEAR_TOLERANCE)} |")
    ratios = [(max(c.check.peak_mb() or 0, c.annotate.peak_mb() or 0) / c.floor.peak_mb(), c)
              for c in cases if c.floor.runs and c.check.runs]
    if ratios:
        worst, case = max(ratios, key=lambda item: item[0])
        ten_ratio = next((r for r, c in ratios if c is ten), None)
        ten_text = "n/a" if ten_ratio is None else f"{ten_ratio:.2f}x"
        ten_met = "n/a" if ten_ratio is None else _yes(ten_ratio <= 1.5)
        lines.append(f"| peak memory within 1.5x of OTIO's own read+write (worst of check/annotate) | 10k .otio "
                     f"{ten_text}; worst {worst:.2f}x ({case.clips} .{case.fmt}) "
                     f"| {ten_met} 10k .otio, {_yes(worst <= 1.5)} all |")
    base = next((r.wall_s for r in batch if r.label.endswith("--jobs 1")), None)
    many = next((r.wall_s for r in batch if r.label.endswith(f"--jobs {cores}") and cores > 1), None)
    if base and many:
        speed = base / many
        lines.append(f"| batch speed-up >= 0.8 x {cores} cores | {speed:.2f}x | {_yes(speed >= 0.8 * cores)} |")
    elif not batch:
        lines.append("| batch speed-up >= 0.8 x cores | not measured (no batch in this run) | n/a |")
    else:
        lines.append("| batch speed-up >= 0.8 x cores | not available (no --jobs) | n/a |")
    return "\n".join(lines)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def machine() -> dict[str, Any]:
    """The machine and software the figures come from."""
    import opentimelineio as otio
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    ram = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
            ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import importlib.util
    spec = importlib.util.find_spec("genflag")
    location = os.path.dirname(spec.origin) if spec and spec.origin else "?"
    repo_src = os.path.join(os.path.dirname(HERE), "src")
    commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", HERE, "status", "--porcelain", "--", "../src"], capture_output=True,
                           text=True, check=False).stdout.strip()
    if not location.startswith(repo_src):
        commit, dirty = f"not this repository's: genflag imported from {location}", ""
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "nproc": os.cpu_count(),
            "cpu": cpu, "ram": ram, "python": platform.python_version(), "opentimelineio": otio.__version__,
            "platform": platform.platform(), "genflag_commit": commit + (" (+ uncommitted changes)" if dirty else ""),
            "load_average_at_start": os.getloadavg()}


def _progress(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def _remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.exists(path):
        os.unlink(path)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Benchmark genflag against OpenTimelineIO's own read+write.")
    parser.add_argument("--sizes", help="clip counts (default 1000,10000,100000; --quick: 1000,10000)")
    parser.add_argument("--formats", default="otio,edl,xml", help="formats (default otio,edl,xml)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement up to 10k clips (default 3)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per measurement above 10k clips (default 1)")
    parser.add_argument("--batch", type=int, default=200, help="timelines in the batch (default 200; 0: no batch)")
    parser.add_argument("--batch-clips", type=int, default=500, help="clips per batch timeline (default 500)")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch measurements")
    parser.add_argument("--quick", action="store_true", help="1k and 10k clips, one run each, batch of 20")
    parser.add_argument("--slow-write-max", type=int, default=10000,
                        help="largest EDL / FCP XML to write (their OTIO writers are superlinear; default 10000)")
    parser.add_argument("--xml-max", type=int, default=10000, help="largest cut generated as FCP 7 XML")
    parser.add_argument("--data", type=Path, default=generate.DEFAULT_OUT, help="generated cuts folder")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = args.sizes or "1000,10000"
        args.repeat, args.repeat_large, args.batch = 1, 1, min(args.batch, 20)
    args.sizes = args.sizes or "1000,10000,100000"
    if args.no_batch:
        args.batch = 0
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Generate what is missing, measure, print Markdown tables and save the JSON."""
    args = parse_args(argv)
    sizes = generate.parse_sizes(args.sizes)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    args.data.mkdir(parents=True, exist_ok=True)
    info = machine()
    help_text = check_help()
    jobs_flag = ["--jobs", "1"] if has_option(help_text, "--jobs") else []
    cores = os.cpu_count() or 1
    cases: list[Case] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="genflag-bench-") as tmp:
        work = Path(tmp)
        for clips in sizes:
            wanted = tuple(f for f in generate.formats_for(clips, args.xml_max) if f in formats)
            skipped += [f"{clips} clips .{f}: not generated (FCP 7 XML above --xml-max {args.xml_max})"
                        for f in formats if f not in wanted]
            manifest = generate.write_cut(args.data, clips, args.seed, wanted)
            repeat = args.repeat if clips <= 10000 else args.repeat_large
            for fmt in wanted:
                cases.append(measure_case(clips, fmt, manifest, args.data, work, repeat, jobs_flag,
                                          args.slow_write_max))
        batch: list[BatchRow] = []
        if args.batch:
            folder = generate.write_batch(args.data, args.batch, args.batch_clips, args.seed)
            _progress(f"batch of {args.batch} timelines")
            batch = measure_batch(folder, work, cores, help_text)
    report = render(info, cases, batch, args, cores, skipped, jobs_flag)
    print(report)
    OUT.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (OUT / f"results-{stamp}.md").write_text(report, encoding="utf-8")
    (OUT / f"results-{stamp}.json").write_text(json.dumps(
        {"machine": info, "cases": [asdict(c) for c in cases], "batch": [asdict(b) for b in batch]}, indent=1),
        encoding="utf-8")
    _progress(f"saved {OUT / f'results-{stamp}.md'} and .json")
    return 0


def render(info: dict[str, Any], cases: list[Case], batch: list[BatchRow], args: argparse.Namespace, cores: int,
           skipped: Iterable[str], jobs_flag: list[str]) -> str:
    """All tables as one Markdown document."""
    parts = ["## Machine", "", *(f"- {k}: {v}" for k, v in info.items()), "",
             f"Runs per measurement: {args.repeat} up to 10k clips, {args.repeat_large} above; fastest run shown. "
             f"genflag commands run with `--no-probe` and the default rule pack"
             + (f" and `{' '.join(jobs_flag)}`" if jobs_flag else "") + ".", ""]
    if cases:
        parts += ["## Targets", "", targets_table(cases, batch, cores), "",
                  "## Speed (seconds; ratios to OpenTimelineIO's read+write floor)", "", speed_table(cases), "",
                  "## Where genflag's time goes (seconds, fastest run)", "", breakdown_table(cases), "",
                  "## Peak memory (MB, child ru_maxrss)", "", memory_table(cases), "",
                  "## Time per clip (µs) across sizes", "", linearity_table(cases), ""]
    if batch:
        parts += ["## Batch", "", batch_table(batch, args.batch, args.batch_clips, cores), ""]
    skipped = list(skipped) + [f"{c.clips} clips .{c.fmt}: {m.label}: {m.skipped}"
                               for c in cases for m in (c.floor, c.check, c.annotate) if m.skipped]
    if skipped:
        parts += ["## Skipped", "", *(f"- {s}" for s in skipped), ""]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
