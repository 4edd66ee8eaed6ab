"""forked_call.py: work in a forked child, its result collected later; failures cost only the result."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from genflag.forked_call import ForkedCall, ForkedCallFailed, can_fork
from genflag.pipeline import Checker, CheckOptions
from genflag.quiet_clips import QuietClipScanner
from tests.conftest import generated_cut

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs fork and Linux /proc")


def _children() -> set[int]:
    """This process's child processes, zombies included (Linux /proc)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


@pytest.fixture(autouse=True)
def _no_children_left() -> Iterator[None]:
    """Every test here must end with the children it started gone (others' children may live on)."""
    before = _children()
    yield
    assert _children() <= before


@pytest.fixture(autouse=True)
def _fork_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Earlier tests may leave threads or OpenAssetIO loaded in this process; these tests fork anyway."""
    monkeypatch.setattr("genflag.quiet_clips.can_fork", lambda: True)


def test_fork_is_refused_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        thread.join()


def test_the_childs_value_comes_back_and_the_child_is_reaped() -> None:
    parent = os.getpid()
    call = ForkedCall(lambda: (os.getpid(), [1, 2, 3], {"a": None}))
    child, numbers, mapping = call.result()
    assert child != parent and numbers == [1, 2, 3] and mapping == {"a": None}
    with pytest.raises(ForkedCallFailed):
        call.result()  # taken once


def test_a_failing_or_killed_child_gives_no_result_and_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    def fails() -> None:
        raise ValueError("broken in the child")

    def killed() -> None:
        os.kill(os.getpid(), signal.SIGKILL)
    for function in (fails, killed, lambda: object()):  # the last: not marshal-able
        with pytest.raises(ForkedCallFailed):
            ForkedCall(function).result()
    assert capfd.readouterr().err == ""  # the child never prints (os._exit: no traceback, no flushing)


def test_an_abandoned_call_kills_and_reaps_its_child() -> None:
    call = ForkedCall(lambda: time.sleep(60))
    pid = call._pid  # noqa: SLF001 - the test needs to see the process
    started = time.monotonic()
    del call
    gc.collect()
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_scan_beside_the_read_gives_the_same_result_as_one_after_it(tmp_path: Path) -> None:
    path = generated_cut(tmp_path, 300)
    results = []
    for beside in (False, True):
        checker = Checker(CheckOptions(probe_media=False, scan_beside_read=beside))
        scan = checker.quiet_scan(str(path))
        assert scan is not None and (scan._child is not None) == beside  # noqa: SLF001
        del scan  # never asked: its child is stopped and reaped
        result = checker.check_path(str(path))
        results.append((result.clips, [f.to_dict() for f in result.findings]))
    assert results[0] == results[1] and len(results[0][1]) > 5


def test_a_child_scan_that_fails_is_done_again_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = generated_cut(tmp_path, 120)
    expected = Checker(CheckOptions(probe_media=False)).check_path(str(path)).findings
    real = QuietClipScanner.scan_file
    parent = os.getpid()

    def dies_in_child(self: QuietClipScanner, source: object) -> object:
        if os.getpid() != parent:
            os._exit(3)
        return real(self, source)  # type: ignore[arg-type]
    monkeypatch.setattr(QuietClipScanner, "scan_file", dies_in_child)
    checker = Checker(CheckOptions(probe_media=False, scan_beside_read=True))
    scan = checker.quiet_scan(str(path))
    assert scan is not None
    loud = scan.result()
    assert loud is not None and loud.clip_count == 120  # the parent scanned it itself
    assert [f.to_dict() for f in checker.check_path(str(path)).findings] == [f.to_dict() for f in expected]


def test_annotate_and_check_of_one_timeline_leave_no_process_behind(tmp_path: Path, run_cli) -> None:
    path = generated_cut(tmp_path, 200)
    assert run_cli("annotate", "--no-probe", "--jobs", "2", path, "-o", tmp_path / "a.otio").code == 0
    assert run_cli("check", "--no-probe", "--jobs", "2", path).code in (0, 1)


def test_a_fork_that_fails_leaves_no_pipe_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")
    before = set(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", no_fork)
    with pytest.raises(OSError):
        ForkedCall(lambda: 1)
    assert set(os.listdir("/proc/self/fd")) <= before
