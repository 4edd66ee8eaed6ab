"""The safe writer itself (atomic_write.py): temporaries a kill -9 leaves, ownership, short writes.

The kill -9 tests kill a real child process with SIGKILL in the middle of a write.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from genflag import temporaries
from genflag.atomic_write import PendingFile, write_all, write_atomic
from genflag.file_ownership import Ownership
from genflag.temporaries import clean_stale_temporaries
from tests.conftest import generated_cut
from tests.faults import leftovers

#: A child that starts a write into FOLDER and then waits to be killed. argv: folder, "named"|"unnamed"|"folder".
CHILD = """
import sys, time
from genflag import atomic_write, temporaries
folder, kind = sys.argv[1], sys.argv[2]
if kind == "named":
    temporaries.PROC_FD = "/nonexistent"  # as on a system without O_TMPFILE
if kind == "folder":
    pending = atomic_write.PendingFolder(folder + "/bundle.otiod")
    open(pending.path, "wb").write(b"half a bundle")
else:
    pending = atomic_write.PendingFile(folder + "/cut.otio")
    pending.write(b'{"OTIO_SCHEMA": "Timeline.1", "half": ')
print("writing", flush=True)
time.sleep(120)
"""


def start_writer(folder: Path, kind: str) -> subprocess.Popen[str]:
    """A child process in the middle of a write (it printed 'writing')."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), kind], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    return child


def kill_9(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    assert child.wait(10) == -signal.SIGKILL


def _gone(marker: str, seconds: float) -> bool:
    """True once no process has ``marker`` on its command line (waiting up to ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = []
        for entry in Path("/proc").iterdir():
            try:
                running.append(marker in (entry / "cmdline").read_bytes().decode(errors="replace"))
            except OSError:
                continue
        if not any(running):
            return True
        time.sleep(0.1)
    return False


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_a_kill_9_during_a_write_leaves_no_temporary_where_the_os_has_unnamed_files(tmp_path: Path) -> None:
    child = start_writer(tmp_path, "unnamed")
    try:
        if leftovers(tmp_path):
            pytest.skip("this file system has no O_TMPFILE: the named fallback is tested below")
    finally:
        kill_9(child)
    assert leftovers(tmp_path) == [] and not (tmp_path / "cut.otio").exists()


@pytest.mark.parametrize("kind", ["named", "folder"])
def test_a_temporary_left_by_a_kill_9_is_removed_by_the_next_write_into_the_folder(tmp_path: Path, kind: str) -> None:
    child = start_writer(tmp_path, kind)
    kill_9(child)
    [left] = leftovers(tmp_path)
    age(tmp_path / left, temporaries.STALE_AFTER_SECONDS + 5)
    write_atomic(tmp_path / "report.md", "# report\n")
    assert leftovers(tmp_path) == [] and (tmp_path / "report.md").read_text() == "# report\n"


@pytest.mark.parametrize("kind", ["named", "folder"])
def test_a_live_writers_temporary_is_never_removed_however_old(tmp_path: Path, kind: str) -> None:
    child = start_writer(tmp_path, kind)
    try:
        [live] = leftovers(tmp_path)
        age(tmp_path / live, 3600)
        write_atomic(tmp_path / "report.md", "# report\n")
        assert leftovers(tmp_path) == [live]  # its lock says its writer is alive
    finally:
        kill_9(child)


def test_a_fresh_unlocked_temporary_is_kept_until_it_is_stale(tmp_path: Path) -> None:
    fresh = tmp_path / ".genflag-0123456789abcdef.tmp.otio"
    fresh.write_bytes(b"being created")
    assert clean_stale_temporaries(str(tmp_path)) == [] and fresh.exists()
    age(fresh, temporaries.STALE_AFTER_SECONDS + 5)
    assert clean_stale_temporaries(str(tmp_path)) == [fresh.name] and not fresh.exists()


@pytest.mark.parametrize("name", [".genflag-settings.yaml", ".genflag-cache", ".genflag-abcdefgh.otio",
                                  ".genflag-0123456789ABCDEF.tmp", "genflag-0123456789abcdef.tmp"])
def test_files_that_are_not_genflag_temporaries_are_never_touched(tmp_path: Path, name: str) -> None:
    other = tmp_path / name
    other.write_text("a user's file")
    age(other, 10 * 86400)
    write_atomic(tmp_path / "out.txt", "x")
    assert other.read_text() == "a user's file"


#: The real `genflag annotate --in-place`, paused (for the kill) once it started writing the new cut.
ANNOTATE_CHILD = """
import sys, time
from genflag import cli
from genflag.writeback import splice
if sys.argv[1] == "named":
    from genflag import temporaries
    temporaries.PROC_FD = "/nonexistent"  # as on a system without O_TMPFILE
def write_then_wait(source, clips, count, out, *args):
    out.write(b'{"OTIO_SCHEMA": "Timeline.1", "name": "half written"')
    print("writing", file=sys.__stdout__, flush=True)  # the real stdout: the check runs in a child (isolation.py)
    time.sleep(120)
splice.splice_clips = write_then_wait
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("kind", ["unnamed", "named"])
def test_a_kill_9_of_annotate_in_place_mid_write_leaves_the_cut_and_no_lasting_temporary(tmp_path: Path,
                                                                                         kind: str) -> None:
    cut = generated_cut(tmp_path, 300)
    before = cut.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", ANNOTATE_CHILD, kind, "annotate", str(cut), "--in-place",
                              "--no-probe"], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    kill_9(child)
    assert _gone(str(cut), 10), "the child doing the work outlived genflag (isolation.py asks Linux to kill it)"
    assert cut.read_bytes() == before
    left = leftovers(tmp_path)
    assert len(left) == (1 if kind == "named" else 0)
    for name in left:
        age(tmp_path / name, 3600)
    # The worker's cmdline empties when Linux frees its memory, a moment before it closes its files
    # (and so its lock): the next write cleans the temporary once the lock is gone, within seconds.
    deadline = time.monotonic() + 10
    while leftovers(tmp_path) and time.monotonic() < deadline:
        write_atomic(tmp_path / "next.txt", "the next write into the folder")
        time.sleep(0.05)
    assert leftovers(tmp_path) == []


def test_short_writes_are_resumed_until_every_byte_is_written(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, memoryview(data)[:7]))  # a slow pipe or NFS
    target = tmp_path / "out.bin"
    data = bytes(range(256)) * 40
    write_atomic(target, data)
    monkeypatch.undo()
    assert target.read_bytes() == data


def test_a_write_that_makes_no_progress_is_an_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    fd = os.open(tmp_path / "x", os.O_WRONLY | os.O_CREAT)
    try:
        with pytest.raises(OSError):
            write_all(fd, b"abc")
    finally:
        monkeypatch.undo()
        os.close(fd)


def test_a_replaced_file_that_cannot_keep_its_owner_loses_set_id_bits(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file genflag wrote must never run as its previous owner."""
    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(os, "fchown", refuse)
    target = tmp_path / "tool"
    write_atomic(target, b"#!/bin/sh\n", Ownership(0o4755, os.getuid() + 1, os.getgid() + 1))
    monkeypatch.undo()
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_a_pending_file_left_without_commit_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")
    with PendingFile(str(target)) as pending:
        pending.write(b"new")
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_restart_forgets_what_a_writer_that_gave_up_wrote(tmp_path: Path) -> None:
    target = tmp_path / "out.otio"
    with PendingFile(str(target)) as pending:
        pending.stream.write(b"half of a splice")
        pending.restart()
        pending.write(b"the whole file")
        pending.commit()
    assert target.read_bytes() == b"the whole file"
