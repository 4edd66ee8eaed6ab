"""Where an output may go (output_paths.py), for every command that writes: inputs are never replaced
(by identity), devices and pipes are written through, links are followed and kept, modes and owners
are kept, read-only files are refused (issue 13, defects 2 and 3)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

import pytest

from genflag.cli import main as cli_main
from tests.conftest import CliResult
from tests.faults import leftovers
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """\
genflag_rules: 1
pack: {id: test.outputs, version: "1"}
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    requires: [credit]
    tool: MagicGen
    match: {by_name: {clip.name|word: magicgen}}
"""
CHECKING = ("--no-default-rules", "--no-probe")


@pytest.fixture
def run(capfd: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run genflag in-process, capturing what reaches descriptors 1 and 2 (not only sys.stdout)."""
    def runner(*args: object) -> CliResult:
        capfd.readouterr()
        try:
            code = cli_main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        sys.stdout.flush()
        captured = capfd.readouterr()
        return CliResult(code, captured.out, captured.err)
    return runner


@pytest.fixture
def show(tmp_path: Path) -> dict[str, Path]:
    """A cut, a rule file and a consent-free setup in tmp_path."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    clips = [make_clip("SH010_plate", "/show/a.mov"), make_clip("SH020_magicgen", "/show/b.mov")]
    cut = Path(write_otio(make_timeline(("V1", clips), start=86400), tmp_path / "cut.otio"))
    return {"cut": cut, "rules": rules, "folder": tmp_path}


def checking(show: dict[str, Path]) -> tuple[object, ...]:
    return (*CHECKING, "--rules", show["rules"])


def shard_parts(run: Callable[..., CliResult], show: dict[str, Path]) -> list[Path]:
    parts = []
    for index in (1, 2):
        part = show["folder"] / f"part{index}.json"
        assert run("check", show["cut"], show["cut"].with_name("other.otio"), "--shard", f"{index}/2", "--format",
                   "json", "-o", part, "--fail-on", "never", "--jobs", "1", *checking(show)).code in (0, 2)
        parts.append(part)
    return parts


#: Commands with an output, as (name, output suffix, command line given the show and the output path).
WRITERS: list[tuple[str, str, Callable[[dict[str, Path], object], list[object]]]] = [
    ("check", ".txt", lambda s, o: ["check", s["cut"], "-o", o, "--jobs", "1", *checking(s)]),
    ("check --format junit", ".xml",
     lambda s, o: ["check", s["cut"], "--format", "junit", "-o", o, "--jobs", "1", *checking(s)]),
    ("report html", ".html", lambda s, o: ["report", s["cut"], "-o", o, "--format", "html", *checking(s)]),
    ("report csv", ".csv", lambda s, o: ["report", s["cut"], "-o", o, "--format", "csv", *checking(s)]),
    ("credits", ".txt", lambda s, o: ["credits", s["cut"], "-o", o, *checking(s)]),
    ("annotate", ".otio", lambda s, o: ["annotate", s["cut"], "-o", o, *checking(s)]),
    ("strip", ".otio", lambda s, o: ["strip", s["cut"], "-o", o]),
]
IDS = [name for name, _, _ in WRITERS]
COMMANDS = [(suffix, command) for _, suffix, command in WRITERS]


# ---- inputs are never replaced -------------------------------------------------------------------

def _spellings(cut: Path) -> dict[str, Callable[[], Path]]:
    def symlink() -> Path:
        link = cut.with_name("link.otio")
        link.symlink_to(cut.name)
        return link

    def hardlink() -> Path:
        link = cut.with_name("hard.otio")
        os.link(cut, link)
        return link
    return {"same path": lambda: cut, "./": lambda: Path(f"{cut.parent}/./{cut.name}"),
            "..": lambda: cut.parent / ".." / cut.parent.name / cut.name, "symlink": symlink, "hard link": hardlink}


@pytest.mark.parametrize("spelling", ["same path", "./", "..", "symlink", "hard link"])
@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_an_input_of_the_run_is_never_overwritten(run, show, suffix, command, spelling: str) -> None:  # type: ignore[no-untyped-def]
    before = show["cut"].read_bytes()
    out = _spellings(show["cut"])[spelling]()
    result = run(*command(show, out))
    assert result.code == 2 and "refusing to overwrite" in result.err and "input of this run" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert show["cut"].read_bytes() == before


def test_annotate_refusal_points_at_in_place(run, show) -> None:  # type: ignore[no-untyped-def]
    result = run("annotate", show["cut"], "-o", show["cut"], *checking(show))
    assert result.code == 2 and "--in-place" in result.err


@pytest.mark.parametrize("which", ["rules", "consents", "templates"])
def test_rule_consent_and_template_files_are_inputs_too(run, show, which: str) -> None:  # type: ignore[no-untyped-def]
    extra = show["folder"] / f"{which}.yaml"
    if which == "consents":
        extra.write_text("consents: []\n", encoding="utf-8")
    elif which == "templates":
        extra.write_text("credits: {}\n", encoding="utf-8")
    before = extra.read_bytes()
    options = {"rules": [], "consents": ["--consents", extra], "templates": ["--templates", extra]}[which]
    command = "credits" if which == "templates" else "report"
    result = run(command, show["cut"], "-o", extra, *options, *checking(show),
                 *(["--format", "md"] if command == "report" else []))
    assert result.code == 2 and "refusing to overwrite" in result.err
    assert extra.read_bytes() == before


def test_the_project_configuration_is_an_input_too(run, show, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "genflag.toml"
    config.write_text('fail_on = "warning"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", show["cut"], "-o", "genflag.toml", "--jobs", "1", *checking(show))
    assert result.code == 2 and "refusing to overwrite" in result.err
    assert config.read_text(encoding="utf-8") == 'fail_on = "warning"\n'


def test_merge_never_overwrites_a_part(run, show) -> None:  # type: ignore[no-untyped-def]
    other = show["folder"] / "other.otio"
    other.write_bytes(show["cut"].read_bytes())
    parts = shard_parts(run, show)
    before = parts[0].read_bytes()
    result = run("merge", *parts, "-o", parts[0])
    assert result.code == 2 and "refusing to overwrite" in result.err and parts[0].read_bytes() == before


def test_a_refused_output_fails_before_the_check_runs(run, show, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from genflag.check import checker as pipeline
    monkeypatch.setattr(pipeline.Checker, "check_path", lambda *a, **k: pytest.fail("checked before refusing"))
    assert run("report", show["cut"], "-o", show["cut"], *checking(show)).code == 2


# ---- standard output and descriptors -------------------------------------------------------------

@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_dash_writes_to_standard_output(run, show, suffix, command) -> None:  # type: ignore[no-untyped-def]
    result = run(*command(show, "-"))
    assert result.code in (0, 1), result.err
    assert "SH020_magicgen" in result.out or "MagicGen" in result.out
    assert not (Path.cwd() / "-").exists()


def test_annotate_to_standard_output_prints_its_status_on_stderr(run, show) -> None:  # type: ignore[no-untyped-def]
    import json
    result = run("annotate", show["cut"], "-o", "-", *checking(show))
    assert result.code == 0 and json.loads(result.out)["OTIO_SCHEMA"].startswith("Timeline")
    assert "finding(s)" in result.err


def _genflag(*args: object, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "genflag", *map(str, args)], timeout=120, **kwargs)  # type: ignore[call-overload]


def test_dev_stdout_appends_to_a_shell_redirection_and_stays_what_it_was(show, tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    with open(log, "ab") as out:
        done = _genflag("check", show["cut"], "-o", "/dev/stdout", "--jobs", "1", *checking(show), stdout=out,
                        stderr=subprocess.PIPE)
    assert done.returncode == 1, done.stderr
    text = log.read_text()
    assert text.startswith("earlier line\n") and "SH020_magicgen" in text


def test_dev_stdout_into_a_pipe(show) -> None:  # type: ignore[no-untyped-def]
    done = _genflag("report", show["cut"], "-o", "/dev/stdout", "--format", "md", *checking(show), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert b"# Generative AI report" in done.stdout


# ---- devices and FIFOs are written through, never replaced ---------------------------------------

def _device(folder: Path, name: str, minor: int) -> Path:
    """A private character device node (1, minor): 3 is null, 7 is full. Needs root."""
    path = folder / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except (PermissionError, AttributeError):
        pytest.skip("creating a device node needs root")
    return path


@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_a_null_device_is_written_through_and_stays_a_device(run, show, tmp_path: Path, suffix, command) -> None:  # type: ignore[no-untyped-def]
    null = _device(tmp_path, "null", 3)
    result = run(*command(show, null))
    assert result.code in (0, 1), result.err
    assert stat.S_ISCHR(os.lstat(null).st_mode) and leftovers(tmp_path) == []


@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_a_full_device_is_an_error_and_stays_a_device(run, show, tmp_path: Path, suffix, command) -> None:  # type: ignore[no-untyped-def]
    full = _device(tmp_path, "full", 7)
    result = run(*command(show, full))
    assert result.code == 2 and "No space left on device" in result.err and "full" in result.err
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as pipe:
            into.append(pipe.read())
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_a_fifo_is_written_through_and_stays_a_fifo(run, show, tmp_path: Path, suffix, command) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    thread = _read_fifo(fifo, received)
    result = run(*command(show, fifo))
    thread.join(10)
    assert result.code in (0, 1), result.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and received and received[0]


def test_in_place_on_a_fifo_is_refused_without_waiting(show, tmp_path: Path) -> None:
    fifo = tmp_path / "cut.otio"
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    done = _genflag("annotate", fifo, "--in-place", *checking(show), capture_output=True, text=True)
    assert done.returncode == 2 and "--in-place needs a regular file" in done.stderr


def test_a_bundle_cannot_go_to_a_pipe(run, show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "out.otiod"
    os.mkfifo(fifo)
    result = run("annotate", show["cut"], "-o", fifo, *checking(show))
    assert result.code == 2 and "a .otiod bundle is a folder" in result.err and stat.S_ISFIFO(os.lstat(fifo).st_mode)


# ---- links, modes, owners, read-only files -------------------------------------------------------

@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_a_symlink_output_replaces_the_file_it_names_and_stays_a_link(run, show, tmp_path: Path, suffix, command) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / f"out{suffix}"
    real.write_text("old")
    link = tmp_path / f"out{suffix}"
    link.symlink_to(real)
    result = run(*command(show, link))
    assert result.code in (0, 1), result.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() != "old" and leftovers(tmp_path / "real") == []


def test_in_place_through_a_symlink_keeps_the_link(run, show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    link = tmp_path / "edit.otio"
    link.symlink_to(show["cut"])
    before = show["cut"].read_bytes()
    assert run("annotate", link, "--in-place", *checking(show)).code == 0
    assert link.is_symlink() and show["cut"].read_bytes() != before


def test_a_dangling_symlink_creates_the_file_it_names(run, show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "made.md")
    assert run("report", show["cut"], "-o", link, *checking(show)).code == 0
    assert link.is_symlink() and (tmp_path / "made.md").read_text().startswith("# Generative AI report")


@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_a_replaced_file_keeps_its_mode(run, show, tmp_path: Path, suffix, command) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"out{suffix}"
    out.write_text("old")
    out.chmod(0o640)
    assert run(*command(show, out)).code in (0, 1)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_text() != "old"


def test_a_replaced_file_keeps_its_owner_and_group(run, show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    out = tmp_path / "report.html"
    out.write_text("old")
    os.chown(out, 12345, 23456)
    out.chmod(0o640)
    assert run("report", show["cut"], "-o", out, *checking(show)).code == 0
    status = out.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (12345, 23456, 0o640)


def test_a_new_file_gets_the_umask_default_mode(run, show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = os.umask(0o027)
    try:
        assert run("report", show["cut"], "-o", tmp_path / "new.md", *checking(show)).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


@pytest.mark.parametrize("suffix,command", COMMANDS, ids=IDS)
def test_a_read_only_file_is_never_replaced(run, show, tmp_path: Path, suffix, command) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"locked{suffix}"
    out.write_text("keep me")
    out.chmod(0o444)
    result = run(*command(show, out))
    assert result.code == 2 and "read-only" in result.err
    assert out.read_text() == "keep me" and stat.S_IMODE(out.stat().st_mode) == 0o444


def test_in_place_on_a_read_only_timeline_is_refused(run, show) -> None:  # type: ignore[no-untyped-def]
    before = show["cut"].read_bytes()
    show["cut"].chmod(0o444)
    result = run("annotate", show["cut"], "--in-place", *checking(show))
    assert result.code == 2 and "read-only" in result.err and show["cut"].read_bytes() == before


@pytest.mark.parametrize("target", ["folder", "missing/out.txt"])
def test_a_folder_or_a_missing_folder_is_refused(run, show, tmp_path: Path, target: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "folder").mkdir()
    result = run("report", show["cut"], "-o", tmp_path / target, "--format", "md", *checking(show))
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1


def test_an_existing_bundle_is_swapped_whole(run, show, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "out.otiod"
    args = ("--writer-arg", "media_policy=MissingIfNotFile", *checking(show))
    assert run("annotate", show["cut"], "-o", bundle, *args).code == 0
    (bundle / "stale.txt").write_text("from the old bundle")
    assert run("annotate", show["cut"], "-o", bundle, *args).code == 0
    assert (bundle / "content.otio").exists() and not (bundle / "stale.txt").exists()
    assert leftovers(tmp_path) == []
