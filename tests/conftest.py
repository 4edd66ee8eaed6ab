"""Shared fixtures: the demo cut, rule files, in-process CLI runs; the vendored public corpus (tests/corpus.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from genflag.cli import main as cli_main
from tests.corpus import CORPUS, corpus_dir, corpus_file, corpus_index  # noqa: F401  (re-exported)

try:  # hypothesis profiles for tests/test_fuzz.py (ci by default, GENFLAG_FUZZ=long on demand)
    import tests.fuzz_profiles  # noqa: F401
except ImportError:  # hypothesis not installed: test_fuzz.py skips
    pass

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
DEMO = EXAMPLES / "demo_cut.otio"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that fork this process first: later tests (a Dask cluster, a tracker server)
    leave threads behind, and a process with threads does not fork (isolation.can_fork)."""
    items.sort(key=lambda item: item.get_closest_marker("needs_fork") is None)
    for item in items:  # under pytest-xdist, one worker runs every test of the one Zou server
        if "zou" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("zou"))


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run genflag's isolated work (isolation.run_isolated) in this process, as it does where it cannot
    fork: a fault a test injects here (a patched os.write, a KeyboardInterrupt) then reaches the work,
    and what the fault counts is counted in this process. Without it the outcome would depend on
    whether an earlier test left a thread behind (a process with threads never forks)."""
    from genflag.check import isolation
    monkeypatch.setattr(isolation, "can_fork", lambda: False)


def generated_cut(folder: Path, total: int = 600, seed: int = 5) -> Path:
    """Write bench/generate.py's synthetic cut of ``total`` clips as an .otio file in folder."""
    import importlib.util
    import sys

    import opentimelineio as otio
    module = sys.modules.get("bench_generate")
    if module is None:
        spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules["bench_generate"] = module  # dataclasses look their module up while the module runs
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    timeline, _ = module.build_cut(total, "otio", seed)
    path = folder / f"cut-{total}.otio"
    otio.adapters.write_to_file(timeline, str(path))
    return path


@dataclass
class CliResult:
    """Exit code and captured output of an in-process CLI run."""

    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `genflag ARGS...` in-process and capture its output."""
    def runner(*args: object) -> CliResult:
        capsys.readouterr()
        try:
            code = cli_main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)
    return runner


@pytest.fixture
def write_rules(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a rule file from YAML text and return its path."""
    counter = iter(range(1000))

    def writer(text: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"rules{next(counter)}.yaml")
        path.write_text(text, encoding="utf-8")
        return path
    return writer


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep caches and crash logs out of the user's home; ignore third-party plugins' env."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("GENFLAG_LOG_DIR", str(base / "logs"))
    monkeypatch.delenv("OPENASSETIO_DEFAULT_CONFIG", raising=False)
