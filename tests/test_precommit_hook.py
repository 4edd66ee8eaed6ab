"""The pre-commit hooks (.pre-commit-hooks.yaml), run by `pre-commit try-repo` on a scratch git repository.

Network: pre-commit installs the hooks' `language: python` environment from this repository with
pip, which fetches genflag's dependencies from PyPI (or pip's cache): about 30 s the first time;
the environment is then reused for the second run. Marked `network`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import DEMO, REPO

pytestmark = pytest.mark.network

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
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"genflag-check", "genflag-rules-validate", "genflag-rules-test"}
    assert {h["language"] for h in hooks.values()} == {"python"}
    assert hooks["genflag-check"]["entry"] == "genflag check"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_try_repo_fails_a_flagged_cut_and_a_broken_rule_pack_and_passes_the_fixed_ones(tmp_path: Path) -> None:
    repo, home = tmp_path / "show", tmp_path / "pre-commit-home"
    (repo / "cuts").mkdir(parents=True)
    (repo / "rules").mkdir()
    shutil.copyfile(DEMO, repo / "cuts" / "reel1.otio")
    (repo / "rules" / "studio.yaml").write_text(CLEAN_RULES, encoding="utf-8")
    (repo / "notes.xml").write_text("<not-a-timeline/>", encoding="utf-8")  # not a hook's file: left alone
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "cut and rules")

    first = _try_repo(repo, home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert _hook_result(first.stdout, "genflag check") == "Failed"
    assert "cuts/reel1.otio:V1@01:00:04:00-01:00:09:00: error: SH020_collapse_comp_v002: Runway video" in first.stdout
    assert _hook_result(first.stdout, "genflag rules validate") == "Passed"
    assert _hook_result(first.stdout, "genflag rules test") == "Passed"

    (repo / "cuts" / "reel1.otio").unlink()
    (repo / "rules" / "studio.yaml").write_text(CLEAN_RULES.replace("word: [inhousegen]", "wrod: [inhousegen]"),
                                                 encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "cut removed, rules broken")
    second = _try_repo(repo, home)
    assert second.returncode == 1
    assert _hook_result(second.stdout, "genflag rules validate") == "Failed"
    assert "rules/studio.yaml:12:9: error: unknown modifier 'wrod'; did you mean 'word'?" in second.stdout
    assert "(no files to check)Skipped" in second.stdout.replace(".", "")  # no timeline left to check
