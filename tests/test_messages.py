"""What a new user sees when something is wrong: one error style, did-you-mean, located configuration
problems, the right exit code and wording for missing inputs, and hints where a result would surprise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DEMO, REPO
from tests.corpus import corpus_file

#: Every line a command writes to standard error is one of these shapes.
ERROR_LINE = re.compile(r"^(genflag: error: .+|[^:\s][^\n]*?(:\d+(:\d+)?)?: (error|warning|note): .+)$")


def _genflag(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    code = "import sys; from genflag.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd, timeout=timeout)


# --- one error style ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["chek"], ["check"], ["check", "--fial-on", "error", "x.otio"], ["check", "x.otio", "--format", "jsn"],
    ["check", "missing.otio"], ["probe", "missing.png"], ["rules", "lsit"], ["report", "x.otio", "-o", "r.pdf"],
    ["check", "x.otio", "--as-of", "notadate"], ["check", "x.otio", "--adapter", "nope"],
    ["rules", "validate", "missing.yaml"], ["merge", "missing.json"],
])
def test_every_error_line_has_one_of_the_two_shapes(run_cli, tmp_path: Path, monkeypatch, argv) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(*argv)
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines and all(ERROR_LINE.match(line) for line in lines), result.err
    assert not any(line.startswith(("error:", "genflag check:", "genflag rules:")) for line in lines)


def test_an_error_without_a_location_says_genflag() -> None:
    from genflag.errors import GenflagError, UsageError
    assert str(UsageError("bad")) == "genflag: error: bad"
    assert str(GenflagError("bad", "cut.otio")) == "cut.otio: error: bad"


# --- did you mean --------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, hint", [
    (["chek", "x.otio"], "unknown command 'chek'; did you mean 'check'?"),
    (["check", "--fial-on", "error", "x.otio"], "unrecognized arguments: --fial-on (did you mean --fail-on?)"),
    (["check", "x.otio", "--fail-on", "warn"], "invalid choice: 'warn'"),
    (["rules", "lsit"], "did you mean 'list'?"),
    (["check", "x.otio", "--format", "jsn"], "no output plugin named 'jsn'; did you mean 'json'?"),
    (["check", "x.otio", "--adapter", "otio_jsn"], "unknown adapter 'otio_jsn'; did you mean 'otio_json'?"),
])
def test_a_mistyped_word_gets_a_did_you_mean(run_cli, argv, hint) -> None:
    result = run_cli(*argv)
    assert result.code == 2 and hint in result.err, result.err
    if "invalid choice" in hint:
        assert "did you mean 'warning'?" in result.err


def test_an_unknown_command_lists_the_commands_without_importing_them(run_cli) -> None:
    result = run_cli("zzz")
    assert result.code == 2 and "did you mean" not in result.err
    assert "(commands: check, rules, probe, annotate, strip, diff, report, credits, publish" in result.err


# --- configuration: every problem, with its line ---------------------------------------------------

CONFIG = '''# project settings
fial_on = "warning"
jobs = "8"
rules = ["a.yaml", 3]

[probes]
cach = true
[severity]
"genai.video.runway" = "warn"
'''


def test_every_configuration_problem_is_listed_with_its_line(run_cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "genflag.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", DEMO)
    path = tmp_path / "genflag.toml"
    assert result.code == 2
    assert result.err.splitlines() == [
        f"{path}:2:1: error: unknown key 'fial_on'; did you mean 'fail_on'?",
        f"{path}:3:1: error: jobs: '8' is not of type 'integer'",
        f"{path}:4:20: error: rules[1]: 3 is not of type 'string'",
        f"{path}:7:1: error: probes: unknown key 'cach'; did you mean 'cache'?",
        f"{path}:9:1: error: severity.genai.video.runway: 'warn' is not one of ['info', 'warning', 'error']; "
        "did you mean 'warning'?",
    ]


def test_pyproject_tool_table_problems_point_into_pyproject(run_cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.genflag]\nfail_on = "never"\n'
                                             'jbos = 2\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("config", "show")
    assert result.code == 2
    assert result.err == f"{tmp_path / 'pyproject.toml'}:6:1: error: [tool.genflag]: unknown key 'jbos'; " \
                         "did you mean 'jobs'?\n"


@pytest.mark.parametrize("text, where", [("jobs = [\n", ":1: error: invalid TOML"),
                                         ("a = 1\nb = = 2\n", ":2:5: error: invalid TOML")])
def test_invalid_toml_is_located(run_cli, tmp_path: Path, monkeypatch, text: str, where: str) -> None:
    (tmp_path / "genflag.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("config", "show")
    assert result.code == 2 and result.err.startswith(f"{tmp_path / 'genflag.toml'}{where}"), result.err


def test_configured_rule_ids_that_do_not_exist_are_each_located(run_cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "genflag.toml").write_text('disable = ["ml.upscale.topas"]\n\n[severity]\n'
                                           '"genai.video.runwy" = "info"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--no-probe", DEMO)
    path = tmp_path / "genflag.toml"
    assert result.code == 2 and result.err.splitlines() == [
        f"{path}:1:12: error: disable: unknown rule 'ml.upscale.topas'; did you mean 'ml.upscale.topaz'?",
        f"{path}:4:1: error: severity: unknown rule 'genai.video.runwy'; did you mean 'genai.video.runway'?"]


# --- exit codes and wording for inputs -------------------------------------------------------------

@pytest.mark.parametrize("target, message", [
    ("missing.png", "no such file"),
    (".", "not a regular file (directory)"),
    ("/dev/null", "not a regular file (character device)"),
    ("https://example.com/a.png", "not a local file (https: URL)"),
    ("shot.####.exr", "no frame of this sequence exists"),
])
def test_probe_of_media_it_cannot_read_exits_2(run_cli, tmp_path: Path, monkeypatch, target, message) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("probe", target, "--no-cache")
    assert result.code == 2 and result.err == f"{target}: error: {message}\n"
    assert result.out.startswith(target)  # its facts are still printed


def test_probe_of_readable_media_exits_0(run_cli) -> None:
    assert run_cli("probe", REPO / "examples" / "media" / "sh045_poster_insert_v001.png", "--no-cache").code == 0


@pytest.mark.parametrize("command", ["check", "report", "credits", "annotate", "diff"])
def test_a_bad_as_of_date_is_refused_without_a_consent_registry(run_cli, tmp_path, command) -> None:
    argv = {"report": [DEMO, "-o", tmp_path / "r.html"], "annotate": [DEMO, "-o", tmp_path / "a.otio"],
            "diff": [DEMO, DEMO]}.get(command, [DEMO])
    result = run_cli(command, *argv, "--as-of", "notadate")
    assert result.code == 2 and "argument --as-of: not a date (YYYY-MM-DD): 'notadate'" in result.err
    assert list(tmp_path.iterdir()) == []


def test_a_report_with_an_unknown_extension_is_refused_with_the_known_ones(run_cli, tmp_path: Path) -> None:
    result = run_cli("report", DEMO, "-o", tmp_path / "report.pdf")
    assert result.code == 2
    assert result.err == (f"{tmp_path / 'report.pdf'}: error: unknown report extension '.pdf' (known: .csv, .htm, "
                          ".html, .json, .markdown, .md); or give --format NAME (see `genflag plugins`)\n")
    assert not (tmp_path / "report.pdf").exists()


def test_a_report_says_what_it_wrote(run_cli, tmp_path: Path) -> None:
    result = run_cli("report", DEMO, "-o", tmp_path / "r.md", "--no-probe")
    assert result.code == 0
    assert result.out == f"{tmp_path / 'r.md'}: md report, 10 finding(s) on 9 clip(s) in 1 timeline file(s)\n"


def test_an_unknown_adapter_is_one_short_line_naming_the_adapters(run_cli) -> None:
    result = run_cli("check", DEMO, "--adapter", "nope")
    assert result.code == 2 and len(result.err.splitlines()) == 1 and len(result.err) < 200
    assert result.err.startswith("genflag: error: --adapter: unknown adapter 'nope' (adapters: AAF, ale, ")
    assert "Adapter(" not in result.err and "otio_json" in result.err


def summary_line(out: str) -> str:
    """The summary's first line (media and approvals notes follow it)."""
    return next(line for line in out.splitlines() if re.match(r"\d+ finding\(s\): ", line))


def test_a_missing_file_is_counted_as_missing_not_unreadable(run_cli, tmp_path: Path) -> None:
    result = run_cli("check", DEMO, tmp_path / "gone.otio", "--no-probe")
    assert result.code == 2 and result.err == f"{tmp_path / 'gone.otio'}: error: no such file\n"
    summary = summary_line(result.out)
    assert "; 1 timeline(s), 16 clip(s), 1 missing; " in summary and "unreadable" not in summary


def test_an_unmatched_glob_says_no_file_matched(run_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "*.xyz")
    assert result.code == 2 and result.err == "*.xyz: error: no file matches this pattern\n"
    assert "; 0 timeline(s), 0 clip(s), 1 matched no file; " in summary_line(result.out)
    assert "no timeline reader" not in result.err and "unreadable" not in result.out


def test_an_unreadable_timeline_is_still_counted_as_unreadable(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.otio"
    bad.write_text("{not json", encoding="utf-8")
    result = run_cli("check", bad)
    assert result.code == 2 and ", 1 unreadable; " in summary_line(result.out)


@pytest.mark.parametrize("command", ["check", "report"])
def test_an_empty_timeline_gets_a_hint(run_cli, tmp_path: Path, command) -> None:
    gaps = corpus_file("timelines", "otio-aaf-adapter/gaps.otio")
    result = run_cli(command, gaps, *(["-o", tmp_path / "r.md"] if command == "report" else []))
    assert result.code == 0
    assert f"{gaps}: note: no clips in this timeline, so nothing was checked" in result.err


def test_a_timeline_with_clips_gets_no_hint(run_cli) -> None:
    assert "note:" not in run_cli("check", DEMO, "--no-probe").err


# --- plugins -------------------------------------------------------------------------------------

def test_hidden_plugins_are_explained() -> None:
    env = {"GENFLAG_NO_PLUGINS": "1"}
    listing = _genflag("plugins", env=env)
    assert listing.returncode == 0 and "GENFLAG_NO_PLUGINS is set" in listing.stderr
    assert "kitsu" not in listing.stdout
    publish = _genflag("publish", DEMO, "--to", "kitsu", "--dry-run", "--no-probe", env=env)
    assert publish.returncode == 2
    assert "no writer plugin named 'kitsu' (installed: assets); GENFLAG_NO_PLUGINS is set" in publish.stderr


def test_plugins_table_columns_line_up_whatever_the_row_lengths(run_cli) -> None:
    lines = run_cli("plugins").out.splitlines()
    header = lines[0]
    for column in ("STATE", "ORIGIN", "DESCRIPTION"):
        start = header.index(column)
        assert all(line[start - 2:start] == "  " and line[start] != " " for line in lines[1:]), column


def test_help_texts_carry_no_raw_markup(run_cli) -> None:
    from genflag.cli import COMMANDS
    for command in COMMANDS:
        text = " ".join(run_cli(command, "--help").out.split())
        assert "``" not in text and ":mod:" not in text, command
        assert "Exit codes" in text or command in ("rules", "config"), command


# --- Dask without the extra, and a scheduler that is not there -------------------------------------

def test_scheduler_without_dask_installed_is_a_usage_error_with_the_install_command(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['distributed'] = None\n"  # as if the dask extra were not installed
            "from genflag.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", code, "check", str(DEMO), "--scheduler", "tcp://127.0.0.1:1"],
                          capture_output=True, text=True, env={**os.environ, "GENFLAG_LOG_DIR": str(tmp_path)})
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("genflag: error: --scheduler needs dask.distributed, which is not installed: "
                                  "install genflag's dask extra: ")
    assert "-m pip install " in proc.stderr and "[dask]'" in proc.stderr and "internal error" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # no crash log


def test_a_refused_scheduler_connection_fails_at_once(run_cli) -> None:
    started = time.monotonic()
    result = run_cli("check", DEMO, "--no-probe", "--scheduler", "tcp://127.0.0.1:1")
    assert result.code == 2 and time.monotonic() - started < 3
    assert result.err == ("genflag: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1: connection refused "
                          "(nothing listens on 127.0.0.1:1)\n")


@pytest.mark.parametrize("address, reason", [("tcp://nonexistent.invalid:8786", "unknown host 'nonexistent.invalid'"),
                                             ("tcp://:8786", "no host in the address"),
                                             ("ucx://10.0.0.1:13337", None)])
def test_scheduler_addresses_are_tried_before_dask_is(address: str, reason: str | None) -> None:
    from genflag.check.scheduler_probe import unreachable_reason
    assert unreachable_reason(address, timeout=2) == reason


def test_install_command_names_this_environment_and_source() -> None:
    from genflag.check.install_hint import extra_install_command, install_source
    source, editable = install_source()
    command = extra_install_command("dask")
    assert command.startswith(sys.executable) and command.endswith(f"{source}[dask]'" if "/" in source
                                                                    else "genflag[dask]")
    assert ("-e " in command) == editable
