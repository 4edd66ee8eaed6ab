"""Every write, every command and format: on a full disk, exit 2 with one line naming the file, the old
file intact and nothing left behind (issue 13, defect 1).

Two ways to fill the disk: a real small tmpfs (mounted as root; skipped elsewhere, with the reason)
and an injected quota on ``os.write`` (always runs). The injected one cannot reach what an adapter
writes to a path itself (.otioz, .otiod, AAF): those cases run on the real tmpfs only.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import opentimelineio as otio
import pytest

from genflag.files import atomic_write
from genflag.files.atomic_write import WriteError, write_atomic
from tests.faults import DiskQuota, fail_call, fill_up, leftovers, small_tmpfs
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """\
genflag_rules: 1
pack: {id: test.writes, version: "1"}
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    requires: [approval, credit]
    tool: MagicGen
    vendor: Magic Inc
    credit: "Made with {tool}"
    match: {by_name: {clip.name|word: magicgen}}
"""
OLD = b"OLD CONTENT: must survive\n"


@dataclass
class Show:
    """Inputs in one folder: a cut (.otio and .edl), a flagged cut, rules, two shard results."""

    folder: Path
    cut: Path
    edl: Path
    flagged: Path
    rules: Path
    parts: list[Path]


def build_show(folder: Path, run_cli: Callable[..., object], clips: int = 8) -> Show:
    """Write the inputs every case needs (before the disk is filled)."""
    rules = folder / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    made = [make_clip(f"SH{i:03d}_{'magicgen' if i % 2 else 'plate'}", f"/show/sh{i:03d}.mov") for i in range(clips)]
    cut = Path(write_otio(make_timeline(("V1", made), start=86400), folder / "cut.otio"))
    edl = folder / "cut.edl"
    otio.adapters.write_to_file(otio.adapters.read_from_file(str(cut)), str(edl), adapter_name="cmx_3600")
    flagged = folder / "flagged.otio"
    common = ("--no-default-rules", "--no-probe", "--rules", rules)
    assert run_cli("annotate", cut, "-o", flagged, *common).code == 0  # type: ignore[attr-defined]
    parts = [folder / "part1.json", folder / "part2.json"]
    for index, part in enumerate(parts, 1):
        done = run_cli("check", cut, edl, "--shard", f"{index}/2", "--format", "json", "-o", part,  # type: ignore[attr-defined]
                       "--fail-on", "never", "--jobs", "1", *common)
        assert done.code == 0, done.err
    return Show(folder, cut, edl, flagged, rules, parts)


#: (case id, the output's name, the command line given the show and the output path).
CASES: list[tuple[str, str, Callable[[Show, Path], list[object]]]] = [
    ("annotate --in-place (splice)", "cut.otio", lambda s, o: ["annotate", s.cut, "--in-place"]),
    ("annotate --in-place --full-write", "cut.otio", lambda s, o: ["annotate", s.cut, "--in-place", "--full-write"]),
    ("annotate --in-place --backup", "cut.otio", lambda s, o: ["annotate", s.cut, "--in-place", "--backup"]),
    ("annotate -o .otio", "out.otio", lambda s, o: ["annotate", s.cut, "-o", o]),
    ("annotate -o .edl", "out.edl", lambda s, o: ["annotate", s.edl, "-o", o]),
    ("annotate -o FCP .xml", "out.xml", lambda s, o: ["annotate", s.cut, "-o", o]),
    ("strip --in-place", "flagged.otio", lambda s, o: ["strip", s.flagged, "--in-place"]),
    ("strip -o .otio", "out.otio", lambda s, o: ["strip", s.flagged, "-o", o]),
    ("strip -o .otio --full-write", "out.otio", lambda s, o: ["strip", s.flagged, "-o", o, "--full-write"]),
    ("check -o text", "out.txt", lambda s, o: ["check", s.cut, "-o", o, "--jobs", "1"]),
    ("check -o junit", "out.xml", lambda s, o: ["check", s.cut, "--format", "junit", "-o", o, "--jobs", "1"]),
    ("check -o json", "out.json", lambda s, o: ["check", s.cut, "--format", "json", "-o", o, "--jobs", "1"]),
    ("check -o github", "out.txt", lambda s, o: ["check", s.cut, "--format", "github", "-o", o, "--jobs", "1"]),
    ("report -o html", "out.html", lambda s, o: ["report", s.cut, "-o", o]),
    ("report -o csv", "out.csv", lambda s, o: ["report", s.cut, "-o", o]),
    ("report -o md", "out.md", lambda s, o: ["report", s.cut, "-o", o]),
    ("report -o json", "out.json", lambda s, o: ["report", s.cut, "-o", o]),
    ("credits -o", "out.txt", lambda s, o: ["credits", s.cut, "-o", o]),
    ("merge -o", "out.json", lambda s, o: ["merge", *s.parts, "-o", o]),
]
#: Adapters that write a path themselves: only a real full disk reaches them.
ADAPTER_CASES: list[tuple[str, str, Callable[[Show, Path], list[object]]]] = [
    ("annotate -o .otioz", "out.otioz",
     lambda s, o: ["annotate", s.cut, "-o", o, "--writer-arg", "media_policy=MissingIfNotFile"]),
    ("annotate -o .otiod", "out.otiod",
     lambda s, o: ["annotate", s.cut, "-o", o, "--writer-arg", "media_policy=MissingIfNotFile"]),
    ("annotate -o .aaf", "out.aaf", lambda s, o: ["annotate", s.cut, "-o", o, "--writer-arg", "use_empty_mob_ids=true"]),
]
NO_RULE_OPTIONS = ("strip", "merge")


def command_line(case: Callable[[Show, Path], list[object]], show: Show, out: Path) -> list[object]:
    """The case's command line, with the rules and no probing for commands that check."""
    args = case(show, out)
    if args[0] in NO_RULE_OPTIONS:
        return args
    return [*args, "--no-default-rules", "--no-probe", "--rules", show.rules]


def prepare_old_output(show: Show, name: str) -> tuple[Path, bytes | None]:
    """The output path; an existing output is given old content to check it survives."""
    out = show.folder / name
    if out.suffix == ".otiod":
        return out, None
    if not out.exists():
        out.write_bytes(OLD)
    return out, out.read_bytes()


def assert_failed_cleanly(result: object, out: Path, before: bytes | None, folder: Path) -> None:
    """Exit 2, one line naming the output, the old file as it was, no temporaries."""
    code, err = result.code, result.err  # type: ignore[attr-defined]
    assert code == 2, (code, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert out.name in err and ("No space left on device" in err or "incomplete" in err or "stopped short" in err), err
    if before is not None:
        assert out.read_bytes() == before
    else:
        assert not out.exists()
    assert leftovers(folder) == []


# ---- a real full disk ------------------------------------------------------------------------------

@pytest.fixture
def full_disk_show(run_cli) -> Show:  # type: ignore[no-untyped-def]
    with small_tmpfs(1024) as folder:
        yield build_show(folder, run_cli)


@pytest.mark.parametrize("name,case", [(n, c) for _, n, c in CASES + ADAPTER_CASES],
                         ids=[i for i, _, _ in CASES + ADAPTER_CASES])
def test_on_a_real_full_disk_every_write_fails_cleanly(run_cli, full_disk_show: Show, name: str, case) -> None:  # type: ignore[no-untyped-def]
    out, before = prepare_old_output(full_disk_show, name)
    fill_up(full_disk_show.folder, leave=0)
    result = run_cli(*command_line(case, full_disk_show, out))
    assert_failed_cleanly(result, out, before, full_disk_show.folder)


def test_on_a_nearly_full_disk_a_large_in_place_annotate_fails_cleanly_half_way(run_cli) -> None:  # type: ignore[no-untyped-def]
    """The file is several times the space left: writes succeed, then one is short, then ENOSPC."""
    with small_tmpfs(8192) as folder:
        show = build_show(folder, run_cli, clips=300)
        before = show.cut.read_bytes()
        assert len(before) > 4 * 65536
        fill_up(folder, leave=65536)
        for extra in ([], ["--full-write"]):
            result = run_cli("annotate", show.cut, "--in-place", "--no-default-rules", "--no-probe",
                             "--rules", show.rules, *extra)
            assert_failed_cleanly(result, show.cut, before, folder)


# ---- an injected full disk (always runs) ---------------------------------------------------------

@pytest.mark.parametrize("budget", [0, 100], ids=["full", "short-write-then-full"])
@pytest.mark.parametrize("name,case", [(n, c) for _, n, c in CASES], ids=[i for i, _, _ in CASES])
def test_with_an_injected_full_disk_every_write_fails_cleanly(run_cli, tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                              name: str, case, budget: int, in_process) -> None:
    show = build_show(tmp_path, run_cli)
    out, before = prepare_old_output(show, name)
    quota = DiskQuota(monkeypatch, tmp_path, budget)
    result = run_cli(*command_line(case, show, out))
    monkeypatch.undo()
    assert quota.failures >= 1
    assert_failed_cleanly(result, out, before, tmp_path)


@pytest.mark.parametrize("call", ["fsync", "close", "replace"])
def test_a_failed_fsync_close_or_rename_fails_the_write_and_keeps_the_old_file(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                                call: str) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(OLD)
    hits = fail_call(monkeypatch, call, tmp_path)
    with pytest.raises(WriteError) as caught:
        write_atomic(target, "<p>new</p>" * 1000)
    monkeypatch.undo()
    assert hits and "Input/output error" in str(caught.value) and "report.html" in str(caught.value)
    assert target.read_bytes() == OLD and leftovers(tmp_path) == []


@pytest.mark.parametrize("full_write", [False, True], ids=["splice", "full"])
def test_ctrl_c_mid_write_leaves_the_old_file_and_no_temporary(run_cli, tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                full_write: bool, in_process) -> None:
    show = build_show(tmp_path, run_cli)
    before = show.cut.read_bytes()
    real = atomic_write.write_all

    def interrupted(fd: int, data: object) -> None:
        real(fd, memoryview(data)[:10])  # type: ignore[arg-type]
        raise KeyboardInterrupt

    def interrupted_otio(obj: object, path: str, **kwargs: object) -> bool:
        Path(path).write_bytes(b'{"OTIO_SCHEMA": ')
        raise KeyboardInterrupt
    monkeypatch.setattr(atomic_write, "write_all", interrupted)
    monkeypatch.setattr(otio.adapters.otio_json, "write_to_file", interrupted_otio)
    result = run_cli("annotate", show.cut, "--in-place", "--no-default-rules", "--no-probe", "--rules", show.rules,
                     *(["--full-write"] if full_write else []))
    monkeypatch.undo()
    assert result.code == 130 and "Traceback" not in result.err
    assert show.cut.read_bytes() == before and leftovers(tmp_path) == []


def test_an_error_while_splicing_is_not_taken_for_a_finished_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The splice writes through a buffer: a write that fails when the buffer is sent must fail the file,
    not be forgotten (a comparison with the old file once swallowed it and an empty file replaced the cut)."""
    target = tmp_path / "cut.otio"
    target.write_bytes(OLD)
    DiskQuota(monkeypatch, tmp_path, 0)
    with pytest.raises(WriteError):
        with atomic_write.PendingFile(str(target)) as pending:
            pending.stream.write(b"x" * 5000)
            assert pending.same_as(str(target)) is False  # raises: the buffered bytes cannot be written
    monkeypatch.undo()
    assert target.read_bytes() == OLD and leftovers(tmp_path) == []


def test_write_errors_name_the_file_on_one_line_even_when_its_name_has_a_line_break(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                                    monkeypatch) -> None:
    target = tmp_path / "evil\nname: error: forged.html"
    DiskQuota(monkeypatch, tmp_path, 0)
    with pytest.raises(WriteError) as caught:
        write_atomic(target, "x" * 100)
    monkeypatch.undo()
    assert "\n" not in str(caught.value) and "evil\\u000aname" in str(caught.value)
    assert not target.exists()


def test_oserror_codes_other_than_enospc_are_reported_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.json"
    fail_call(monkeypatch, "fsync", tmp_path, errno.EDQUOT)
    with pytest.raises(WriteError) as caught:
        write_atomic(target, "{}")
    monkeypatch.undo()
    assert os.strerror(errno.EDQUOT) in str(caught.value) and not target.exists()
