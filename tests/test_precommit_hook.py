"""The pre-commit hooks (.pre-commit-hooks.yaml), run by `pre-commit try-repo` on a scratch git repository.

Network: pre-commit installs the hooks' `language: python` environment from this repository with
pip, which fetches genflag's dependencies from PyPI (or pip's cache): about 30 s the first time;
one try-repo run covers every hook (try-repo installs into a new store each time). Marked `network`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest
import yaml

from .conftest import DEMO, REPO

pytestmark = [pytest.mark.network, pytest.mark.integration]

CLEAN_RULES = """\
genflag_rules: 1
pack: {id: studio.rules, version: "1.0"}
rules:
  - id: studio.video.inhouse_gen
    title: In-house generator
    category: generative.video
    severity: error
    requires: [approval]
    message: "made with the in-house generator"
    match:
      named:
        clip.name|word: [inhousegen]
    condition: named
    tests:
      match: [{clip.name: "SH010_inhousegen_v001"}]
      no_match: [{clip.name: "SH010_plate_v001"}]
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GENFLAG_NO_PLUGINS": "1"}
    env.pop("CI", None)  # keep pre-commit's plain output
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--all-files"], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=900)


def _hook_result(output: str, name: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith(name))
    return line.rsplit(".", 1)[-1].strip()


def test_the_hooks_file_declares_three_python_hooks() -> None:
    hooks = _hooks()
    assert set(hooks) == {"genflag-check", "genflag-rules-validate", "genflag-rules-test"}
    assert {h["language"] for h in hooks.values()} == {"python"}
    assert hooks["genflag-check"]["entry"] == "genflag check"


def _hooks() -> dict[str, dict[str, object]]:
    return {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def _show_repo(tmp_path: Path) -> Path:
    """A show repository: a flagged cut, a clean cut, a valid and a broken rule pack, an unrelated XML."""
    repo = tmp_path / "show"
    (repo / "cuts").mkdir(parents=True)
    (repo / "rules").mkdir()
    shutil.copyfile(DEMO, repo / "cuts" / "reel1.otio")
    clean = otio.adapters.read_from_file(str(DEMO))
    clean.tracks[:] = [clean.tracks[0]]
    for index in reversed(range(1, len(clean.tracks[0]))):
        del clean.tracks[0][index]  # keep SH010_plate_v003 only
    otio.adapters.write_to_file(clean, str(repo / "cuts" / "reel2_clean.otio"))
    (repo / "rules" / "studio.yaml").write_text(CLEAN_RULES, encoding="utf-8")
    (repo / "rules" / "broken.yaml").write_text(CLEAN_RULES.replace("word: [inhousegen]", "wrod: [inhousegen]"),
                                                encoding="utf-8")
    (repo / "notes.xml").write_text("<not-a-timeline/>", encoding="utf-8")  # no hook's file: left alone
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "cuts and rules")
    return repo


def test_the_hooks_pass_clean_files_with_their_own_entry_and_args(tmp_path: Path) -> None:
    repo = _show_repo(tmp_path)
    bin_dir = Path(sys.executable).parent
    for hook_id, files in (("genflag-check", ["cuts/reel2_clean.otio"]),
                           ("genflag-rules-validate", ["rules/studio.yaml"]),
                           ("genflag-rules-test", ["rules/studio.yaml"])):
        hook = _hooks()[hook_id]
        command = str(hook["entry"]).split() + list(hook.get("args", [])) + files  # type: ignore[arg-type]
        command[0] = str(bin_dir / command[0])
        done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "GENFLAG_NO_PLUGINS": "1"})
        assert done.returncode == 0, (hook_id, done.stdout, done.stderr)
        assert all(re.search(str(hook["files"]), f) for f in files)
    assert not re.search(str(_hooks()["genflag-check"]["files"]), "notes.xml")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_try_repo_fails_a_flagged_cut_and_a_broken_rule_pack_naming_file_and_place(tmp_path: Path) -> None:
    repo = _show_repo(tmp_path)
    result = _try_repo(repo, tmp_path / "pre-commit-home")
    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert _hook_result(output, "genflag check") == "Failed"
    assert "cuts/reel1.otio:V1@01:00:04:00-01:00:09:00: error: SH020_collapse_comp_v002: Runway video" in output
    assert "reel2_clean.otio:" not in output and "2 timeline(s)" in output  # checked, nothing found
    assert _hook_result(output, "genflag rules validate") == "Failed"
    assert "rules/broken.yaml:12:9: error: unknown modifier 'wrod'; did you mean 'word'?" in output
    assert "rules/studio.yaml:" not in output
    assert _hook_result(output, "genflag rules test") == "Failed"
