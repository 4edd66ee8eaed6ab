"""`genflag check` end to end: formats, exit codes, bad input, the JSON schema, a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from genflag.files.schemas import load_schema
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """\
genflag_rules: 1
pack: {id: test.cli, version: "3"}
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    requires: [approval]
    message: "MagicGen: {clip.name}"
    match:
      by_name: {clip.name|word: magicgen}
  - id: ml.upscale.test
    title: Upscaled
    category: ml_assisted
    severity: warning
    match:
      by_meta: {metadata.*|contains: upscaled}
"""


@pytest.fixture
def cut(tmp_path: Path) -> str:
    timeline = make_timeline(
        ("V1", [make_clip("SH010_plate"), make_clip("SH020_magicgen_v1", "/show/a.mov", duration=48),
                make_clip("SH030_up", metadata={"studio": {"note": "upscaled 4x"}})]),
        ("A1", [make_clip("dialogue")]), start=86400)
    return write_otio(timeline, tmp_path / "cut.otio")


@pytest.fixture
def rules(write_rules) -> str:  # type: ignore[no-untyped-def]
    return str(write_rules(RULES))


def check(run_cli, *args: object):  # type: ignore[no-untyped-def]
    return run_cli("check", "--no-default-rules", "--no-probe", *args)


def test_text_output_gives_editorial_coordinates(run_cli, cut: str, rules: str) -> None:
    result = check(run_cli, cut, "--rules", rules)
    line = next(row for row in result.out.splitlines() if "genai.video.magic" in row)
    assert line.startswith(f"{cut}:V1@01:00:01:00-01:00:03:00: error: SH020_magicgen_v1: MagicGen: SH020_magicgen_v1")
    assert "2 finding(s): 1 error, 1 warning" in result.out
    assert result.code == 1


def test_json_output_is_valid_against_schema_and_has_required_fields(run_cli, cut: str, rules: str) -> None:
    result = check(run_cli, cut, "--rules", rules, "--format", "json")
    document = json.loads(result.out)
    jsonschema.validate(document, load_schema("findings.schema.json"))
    finding = next(f for f in document["findings"] if f["rule"] == "genai.video.magic")
    assert finding["record_range"] == {"start": 86424.0, "duration": 48.0, "rate": 24.0}
    assert (finding["track"], finding["clip_index"], finding["media"]) == ("V1", 1, "/show/a.mov")
    assert finding["evidence"][0]["field"] == "clip.name" and finding["requires"] == ["approval"]
    assert document["rule_pack"]["packs"] == [{"id": "test.cli", "version": "3"}]


@pytest.mark.parametrize("fail_on, code", [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on_sets_exit_code(run_cli, cut: str, rules: str, fail_on: str, code: int) -> None:
    assert check(run_cli, cut, "--rules", rules, "--fail-on", fail_on).code == code


def test_when_only_warnings_and_fail_on_error_then_exit_zero(run_cli, tmp_path: Path, rules: str) -> None:
    path = write_otio(make_timeline(("V1", [make_clip("a", metadata={"n": "upscaled"})])), tmp_path / "w.otio")
    assert check(run_cli, path, "--rules", rules).code == 0


def test_when_clip_marked_cleared_then_a_finding_needing_no_approval_is_cleared(run_cli, tmp_path: Path,
                                                                              rules: str) -> None:
    clip = make_clip("SH030_up", metadata={"studio": {"note": "upscaled"},
                                           "genflag": {"review": {"status": "cleared", "by": "Ann"}}})
    path = write_otio(make_timeline(("V1", [clip])), tmp_path / "c.otio")
    result = check(run_cli, path, "--rules", rules, "--fail-on", "warning")
    assert result.code == 0 and "(cleared by Ann)" in result.out and "1 cleared" in result.out


def test_when_clip_marked_cleared_then_a_finding_needing_approval_still_fails_as_pending(
        run_cli, tmp_path: Path, rules: str) -> None:
    clip = make_clip("SH020_magicgen_v1", metadata={"genflag": {"review": {"status": "cleared", "by": "Ann"}}})
    path = write_otio(make_timeline(("V1", [clip])), tmp_path / "c.otio")
    result = check(run_cli, path, "--rules", rules)
    assert result.code == 1 and "(editor review: cleared by Ann; not a written approval)" in result.out
    assert "[approval: pending: needs approval by producer]" in result.out and "1 error" in result.out


def test_when_marker_says_genflag_cleared_then_the_review_is_recorded_apart_from_approval(
        run_cli, tmp_path: Path, rules: str) -> None:
    clip = make_clip("SH020_magicgen_v1", markers=[("GENFLAG CLEARED", "ok per legal")])
    path = write_otio(make_timeline(("V1", [clip])), tmp_path / "m.otio")
    result = check(run_cli, path, "--rules", rules, "--format", "json")
    finding = json.loads(result.out)["findings"][0]
    assert (finding["status"], finding["review"]["source"], finding["approval"]["state"]) == \
        ("cleared", "marker", "pending")
    assert result.code == 1


BAD_INPUTS = {
    "missing.otio": None,
    "garbage.otio": b"\x00\x01\x02 not json",
    "truncated.otio": b'{"OTIO_SCHEMA": "Timeline.1", "tracks": {',
    "broken_tc.edl": b"TITLE: x\n\n001  AX V C 01:00:00:00 01:00:99:00 00:00:00:00 00:00:01:00\n",
    "weird.xyz": b"hello",
    "binary.xml": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_when_input_is_bad_then_one_line_error_exit_2_and_others_still_checked(
        run_cli, tmp_path: Path, cut: str, rules: str, name: str) -> None:
    bad = tmp_path / name
    if BAD_INPUTS[name] is not None:
        bad.write_bytes(BAD_INPUTS[name])
    result = check(run_cli, bad, cut, "--rules", rules)
    errors = [row for row in result.err.splitlines() if ": error: " in row]
    assert result.code == 2
    assert len(errors) == 1 and errors[0].startswith(str(bad)) and "Traceback" not in result.err
    assert "SH020_magicgen_v1" in result.out  # the good file was still checked


def test_when_rule_file_is_broken_then_exit_2_with_location(run_cli, cut: str, write_rules) -> None:
    broken = write_rules(RULES.replace("severity: error", "severity: eror"))
    result = check(run_cli, cut, "--rules", broken)
    assert result.code == 2 and f"{broken}:7:5: error:" in result.err and "did" not in result.out


def test_when_unknown_format_or_bad_option_then_usage_error(run_cli, cut: str) -> None:
    assert check(run_cli, cut, "--format", "yaml").code == 2
    assert check(run_cli, cut, "--fail-on", "fatal").code == 2
    assert check(run_cli, cut, "--media-root", "nonsense").code == 2


def test_when_adapter_given_then_it_overrides_extension(run_cli, tmp_path: Path, cut: str, rules: str) -> None:
    renamed = tmp_path / "cut.json"
    renamed.write_text(Path(cut).read_text())
    result = check(run_cli, renamed, "--adapter", "otio_json", "--rules", rules)
    assert result.code == 1 and "SH020_magicgen_v1" in result.out


def test_hostile_clip_names_stay_on_one_line(run_cli, tmp_path: Path, rules: str) -> None:
    name = "SH020_magicgen\n\x1b[31mFAKE: error\u202e"
    path = write_otio(make_timeline(("V1", [make_clip(name)])), tmp_path / "h.otio")
    lines = [row for row in check(run_cli, path, "--rules", rules).out.splitlines() if "genai.video.magic" in row]
    assert len(lines) == 1 and "\x1b" not in lines[0] and "\\u000a" in lines[0]


def test_internal_error_writes_log_and_exits_3(run_cli, cut: str, rules: str, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("GENFLAG_LOG_DIR", str(tmp_path / "logs"))

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")
    monkeypatch.setattr("genflag.commands.check.check_batch", explode)
    result = check(run_cli, cut, "--rules", rules)
    logs = list((tmp_path / "logs").glob("crash-*.log"))
    assert result.code == 3 and "Traceback" not in result.err and str(logs[0]) in result.err
    assert "RuntimeError: boom" in logs[0].read_text()


def test_console_script_runs_as_subprocess(cut: str, rules: str) -> None:
    exe = Path(sys.executable).with_name("genflag")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "genflag"]
    proc = subprocess.run([*command, "check", "--no-default-rules", "--no-probe", "--rules", rules, cut,
                           "--format", "json"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GENFLAG_NO_PLUGINS": "1"})
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["findings"] == 2


def test_folders_and_globs_expand_to_timelines(run_cli, tmp_path: Path, cut: str, rules: str) -> None:
    sub = tmp_path / "show" / "ep1"
    sub.mkdir(parents=True)
    write_otio(make_timeline(("V1", [make_clip("SH1_magicgen")])), sub / "reel1.otio")
    (sub / "notes.txt").write_text("not a timeline")
    result = check(run_cli, tmp_path / "show", str(tmp_path / "*.otio"), "--rules", rules, "--format", "json")
    paths = [t["path"] for t in json.loads(result.out)["timelines"]]
    assert paths == [str(sub / "reel1.otio"), cut]


def test_the_command_table_names_what_each_module_registers() -> None:
    """genflag COMMAND imports only COMMAND's module: the table must stay what the modules register."""
    import argparse
    import importlib

    from genflag.cli import COMMAND_MODULES, COMMANDS
    registered = {}
    for module_name in COMMAND_MODULES:
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module_name).add_parser(subparsers)
        registered.update(dict.fromkeys(subparsers.choices, module_name))
    assert registered == COMMANDS


def test_a_command_runs_with_only_its_module_and_an_unknown_one_lists_them_all(run_cli) -> None:
    from genflag.cli import build_parser
    assert set(build_parser("strip")._subparsers._group_actions[0].choices) == {"annotate", "strip"}  # noqa: SLF001
    unknown = run_cli("anotate", "x.otio")
    assert unknown.code == 2 and "unknown command 'anotate'; did you mean 'annotate'?" in unknown.err
    assert "(commands: check, rules, probe, annotate, strip," in unknown.err


def test_a_run_with_its_rules_parsed_before_never_imports_pyyaml(tmp_path: Path) -> None:
    """Start-up: PyYAML (7 ms to import) is loaded only to parse a rule file not in the parse cache."""
    import os
    import subprocess
    import sys

    from tests.conftest import DEMO
    script = ("import sys, genflag.cli; genflag.cli.main(['check', '--no-probe', '--format', 'json', sys.argv[1]]); "
              "print('PYYAML', 'yaml' in sys.modules, file=sys.stderr)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", script, str(DEMO)], capture_output=True, text=True, env=env)
            for _ in range(2)]
    assert "PYYAML True" in runs[0].stderr  # the first run parses the default pack...
    assert "PYYAML False" in runs[1].stderr  # ...the second finds every parse in the cache
    import json
    first, second = (json.loads(run.stdout) for run in runs)
    assert first["summary"]["findings"] == second["summary"]["findings"] > 0  # and the rules are the same


@pytest.mark.parametrize("command", ["check"])
def test_jobs_below_one_is_a_usage_error(run_cli, tmp_path: Path, command: str) -> None:
    from tests.conftest import DEMO
    extra = ["-o", str(tmp_path / "out.otio")] if command == "annotate" else []
    result = run_cli(command, "--jobs", "0", DEMO, *extra)
    assert result.code == 2 and "--jobs must be at least 1, got 0" in result.err
    assert not (tmp_path / "out.otio").exists()
