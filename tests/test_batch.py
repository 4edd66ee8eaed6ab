"""Batch checks: parallel workers, shards and merge, Dask, CI output formats, project configuration."""

from __future__ import annotations

import json
import multiprocessing
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from genflag.check.batch import check_batch, select_shard
from genflag.check.checker import Checker, CheckOptions
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """\
genflag_rules: 1
pack: {id: test.batch, version: "1"}
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    match: {by_name: {clip.name|word: magicgen}}
  - id: genai.video.minor
    title: Minor
    category: generative.video
    severity: warning
    match: {by_name: {clip.name|word: minorgen}}
"""


@pytest.fixture
def show(tmp_path: Path, write_rules) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    paths = []
    for episode in range(7):
        clips = [make_clip(f"EP{episode}_SH{shot:03d}_{'magicgen' if shot % 5 == 0 else 'plate'}") for shot in range(12)]
        clips.append(make_clip(f"EP{episode}_minorgen_fix"))
        folder = tmp_path / "show" / f"ep{episode}"
        folder.mkdir(parents=True)
        paths.append(write_otio(make_timeline(("V1", clips)), folder / f"ep{episode}.otio"))
    (tmp_path / "show" / "ep3" / "broken.otio").write_text("{not json")
    paths.insert(4, str(tmp_path / "show" / "ep3" / "broken.otio"))
    return paths, str(write_rules(RULES))


def comparable(document: dict) -> dict:  # type: ignore[type-arg]
    """A result without what legitimately differs between runs (timing, time of check, shard info)."""
    document = json.loads(json.dumps(document))
    document["summary"].pop("elapsed_seconds")
    document.pop("checked_at")
    document.pop("shard", None)
    return document


def check_json(run_cli, *args: object) -> tuple[int, dict]:  # type: ignore[no-untyped-def, type-arg]
    result = run_cli("check", "--no-default-rules", "--no-probe", "--format", "json", *args)
    return result.code, json.loads(result.out)


def test_parallel_workers_give_the_same_result_in_input_order(run_cli, show) -> None:
    paths, rules = show
    code1, serial = check_json(run_cli, *paths, "--rules", rules, "--jobs", "1")
    code2, parallel = check_json(run_cli, *paths, "--rules", rules, "--jobs", "2")
    assert code1 == code2 == 2  # one unreadable timeline
    assert comparable(serial) == comparable(parallel)
    assert [t["path"] for t in parallel["timelines"]] == paths
    assert parallel["summary"]["findings"] == 7 * 4


def test_shards_merge_into_exactly_one_run(run_cli, show, tmp_path: Path) -> None:
    paths, rules = show
    _, whole = check_json(run_cli, *paths, "--rules", rules)
    parts = []
    for index in (1, 2, 3):
        part = tmp_path / f"part{index}.json"
        run_cli("check", "--no-default-rules", "--no-probe", *paths, "--rules", rules, "--shard", f"{index}/3",
                "--format", "json", "-o", part)
        parts.append(part)
    assert sum(len(json.loads(p.read_text())["timelines"]) for p in parts) == len(paths)
    merged = tmp_path / "merged.json"
    result = run_cli("merge", *reversed(parts), "-o", merged)
    assert result.code == 2  # the merged run has the unreadable timeline, like the whole run
    assert comparable(json.loads(merged.read_text())) == comparable(whole)


def test_merge_refuses_missing_or_foreign_shards(run_cli, show, tmp_path: Path) -> None:
    paths, rules = show
    part = tmp_path / "p1.json"
    run_cli("check", "--no-default-rules", "--no-probe", *paths, "--rules", rules, "--shard", "1/2",
            "--format", "json", "-o", part)
    assert "missing shard(s) 2/2" in run_cli("merge", part).err
    other = tmp_path / "p2.json"
    run_cli("check", "--no-default-rules", "--no-probe", *paths[:3], "--rules", rules, "--shard", "2/2",
            "--format", "json", "-o", other)
    result = run_cli("merge", part, other)
    assert result.code == 2 and "different run" in result.err


def test_shards_are_deterministic_and_cover_everything() -> None:
    paths = [f"/show/ep{i}.otio" for i in range(10)]
    slices = [select_shard(list(reversed(paths)), i, 3) for i in (1, 2, 3)]
    assert sorted(sum(slices, [])) == sorted(paths)
    assert slices == [select_shard(paths, i, 3) for i in (1, 2, 3)]


def test_interrupted_parallel_run_reports_finished_work_and_leaves_no_worker(show) -> None:
    paths, rules = show
    options = CheckOptions(rules=[rules], include_default_rules=False, probe_media=False)
    seen = []

    def interrupt(result) -> None:  # type: ignore[no-untyped-def]
        seen.append(result)
        raise KeyboardInterrupt
    run = check_batch(Checker(options), paths, jobs=2, progress=interrupt)
    assert run.interrupted and len(seen) == 1
    finished = [r for r in run.results if not any("interrupted" in e for e in r.errors)]
    assert seen[0].path in [r.path for r in finished]
    assert all("not checked (interrupted)" in r.errors[0] for r in run.results if r not in finished)
    assert [r.path for r in run.results] == paths
    assert multiprocessing.active_children() == []


@pytest.mark.integration
def test_dask_local_cluster_gives_the_same_result(run_cli, show) -> None:
    distributed = pytest.importorskip("distributed", reason="dask.distributed not installed")
    paths, rules = show
    _, local = check_json(run_cli, *paths, "--rules", rules, "--jobs", "1")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  preload=["genflag.check.dask_backend"]) as cluster:  # as the README recommends
        with distributed.Client(cluster) as client:
            warmed = client.run(_worker_has_genflag)
        _, remote = check_json(run_cli, *paths, "--rules", rules, "--scheduler", cluster.scheduler_address)
    assert comparable(remote) == comparable(local)
    assert len(warmed) == 2 and all(warmed.values())  # the preload loaded genflag before any task


def _worker_has_genflag() -> bool:
    import sys
    return "genflag.check.checker" in sys.modules and "otio_cmx3600_adapter" in sys.modules


def test_unreachable_scheduler_is_a_usage_error(run_cli, show) -> None:
    paths, rules = show
    result = run_cli("check", "--no-default-rules", "--no-probe", paths[0], "--rules", rules,
                     "--scheduler", "tcp://127.0.0.1:9")
    assert result.code == 2 and "cannot reach the Dask scheduler" in result.err


def test_junit_output_has_a_suite_per_timeline_and_a_case_per_finding(run_cli, show) -> None:
    paths, rules = show
    result = run_cli("check", "--no-default-rules", "--no-probe", *paths, "--rules", rules, "--format", "junit")
    root = ET.fromstring(result.out)
    assert [s.get("name") for s in root.findall("testsuite")] == paths
    findings = json.loads(run_cli("check", "--no-default-rules", "--no-probe", *paths, "--rules", rules,
                                  "--format", "json").out)["findings"]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(paths) + len(findings)  # a "read" case per timeline, a case per finding
    assert all(len(case.findall("failure")) <= 1 for case in cases)
    errors = [f for f in findings if f["severity"] == "error" and f["status"] == "open"]
    assert len(root.findall("testsuite/testcase/failure")) == len(errors) == int(root.get("failures"))
    assert len(root.findall("testsuite/testcase/error")) == 1 == int(root.get("errors"))
    assert int(root.get("tests")) == len(cases)


def test_github_output_is_workflow_commands(run_cli, show) -> None:
    paths, rules = show
    result = run_cli("check", "--no-default-rules", "--no-probe", paths[0], "--rules", rules, "--format", "github")
    lines = result.out.splitlines()
    assert lines[0].startswith(f"::error file={paths[0]},title=genai.video.magic (V1@")
    assert any(line.startswith("::warning ") for line in lines) and lines[-1].startswith("::notice title=genflag::")


def test_json_lines_end_with_a_summary(run_cli, show) -> None:
    paths, rules = show
    result = run_cli("check", "--no-default-rules", "--no-probe", *paths[:2], "--rules", rules, "--format", "jsonl")
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [r["type"] for r in records].count("finding") == 8 and records[-1]["type"] == "summary"


def test_project_config_is_found_upwards_and_shown_with_sources(run_cli, show, tmp_path, monkeypatch) -> None:
    paths, rules = show
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n[tool.genflag]\nrules = ["{rules}"]\ndefault_rules = false\nprobe = false\n'
        'fail_on = "never"\n[tool.genflag.severity]\n"genai.video.magic" = "info"\n')
    deep = tmp_path / "show" / "ep1"
    monkeypatch.chdir(deep)
    result = run_cli("check", paths[0], "--format", "json")
    document = json.loads(result.out)
    assert result.code == 0
    assert {f["severity"] for f in document["findings"] if f["rule"] == "genai.video.magic"} == {"info"}
    shown = run_cli("config", "show").out
    assert f"{tmp_path / 'pyproject.toml'}:tool.genflag.fail_on" in shown
    assert "# command line" not in shown


def test_command_line_overrides_configuration(run_cli, show, tmp_path, monkeypatch) -> None:
    paths, rules = show
    (tmp_path / "genflag.toml").write_text(f'rules = ["{rules}"]\ndefault_rules = false\nfail_on = "never"\n')
    monkeypatch.chdir(tmp_path)
    assert run_cli("check", "--no-probe", paths[0]).code == 0
    assert run_cli("check", "--no-probe", paths[0], "--fail-on", "error").code == 1


@pytest.mark.parametrize("text, message", [
    ("fail_on = 'fatal'\n", "fail_on: 'fatal' is not one of"),
    ("jobs = [\n", "invalid TOML"),
    ("colour = 1\n", "genflag.toml:1:1: error: unknown key 'colour'"),
])
def test_bad_project_config_is_a_located_error(run_cli, show, tmp_path, monkeypatch, text, message) -> None:
    (tmp_path / "genflag.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", show[0][0])
    assert result.code == 2 and str(tmp_path / "genflag.toml") in result.err and message in result.err


def test_config_naming_unknown_rule_is_an_error(run_cli, show, tmp_path, monkeypatch) -> None:
    (tmp_path / "genflag.toml").write_text('[severity]\n"genai.video.runwy" = "info"\n')
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--no-probe", show[0][0])
    assert result.code == 2 and "unknown rule 'genai.video.runwy'" in result.err


def test_check_output_file_is_written_atomically(run_cli, show, tmp_path) -> None:
    paths, rules = show
    out = tmp_path / "result.json"
    result = run_cli("check", "--no-default-rules", "--no-probe", paths[0], "--rules", rules, "--format", "json",
                     "-o", out)
    assert result.out == "" and json.loads(out.read_text())["summary"]["findings"] == 4


def test_task_chunks_cover_every_input_once_in_order() -> None:
    from genflag.check.dask_backend import task_chunks
    for count, workers in [(0, 2), (1, 2), (5, 2), (200, 2), (1000, 8), (37, 3)]:
        chunks = task_chunks(count, workers)
        assert [i for chunk in chunks for i in chunk] == list(range(count))
        assert all(1 <= len(chunk) <= 16 for chunk in chunks)
        assert count < 16 * workers or len(chunks) >= workers * 4  # enough chunks to balance the workers
        sizes = [len(chunk) for chunk in chunks]
        assert sizes == sorted(sizes, reverse=True) and (not sizes or sizes[-1] == 1)  # the tail is fine-grained


@pytest.mark.slow
def test_ctrl_c_on_a_parallel_command_exits_130_and_leaves_no_worker(tmp_path: Path) -> None:
    """A real SIGINT to `genflag check --jobs 2`: exit 130, and no process of the run survives it."""
    import os
    import signal
    import subprocess
    import sys
    import time
    timeline = make_timeline(("V1", [make_clip(f"SH{i:04d}_plate_v001", f"/m/{i}.mov", 24) for i in range(400)]))
    folder = tmp_path / "ctrl-c-show"
    folder.mkdir()
    first = write_otio(timeline, folder / "reel-000.otio")
    for index in range(1, 2000):
        os.link(first, folder / f"reel-{index:04d}.otio")
    process = subprocess.Popen([sys.executable, "-m", "genflag", "check", "--no-probe", "--jobs", "2", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)  # long enough for the workers to be checking
    assert process.poll() is None, "the run ended before it could be interrupted; make the show bigger"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"(interrupted)" in out and b"not checked (interrupted)" in err  # what finished, and what did not
    time.sleep(0.5)
    survivors = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in cmdline and int(pid) != process.pid:
                survivors.append(pid)
    assert survivors == []
