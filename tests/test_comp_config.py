"""The [comp] table of genflag.toml: checked when the configuration loads, the bad key named, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genflag.comp.settings import settings_from


@pytest.mark.parametrize("text, message", [
    ("[comp]\nmax_depth = 0\n", "genflag.toml:2:1: error: comp.max_depth: 0 is less than the minimum of 1"),
    ("[comp]\nnode_classes = {\"X*\" = \"magic\"}\n", "genflag.toml:2:17: error: comp.node_classes.X*: 'magic' is not one of"),
    ("[[comp.conventions]]\nrender = \"(a\"\nscript = \"x.nk\"\n", "genflag.comp.conventions[0].render: invalid RE2 regex '(a'"),
    ("[[comp.conventions]]\nrender = \"(?P<shot>sh[0-9]+)\"\nscript = \"/c/{take}.nk\"\n",
     "genflag.comp.conventions[0].script: unknown placeholder {take} (known: dir, name, shot, stem)"),
    ("[comp]\nscript_depth = 2\n", "genflag.toml:2:1: error: comp: unknown key 'script_depth'; did you mean 'script_facts'?"),
])
def test_a_bad_comp_table_is_a_configuration_error_naming_the_key(
        text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any) -> None:
    (tmp_path / "genflag.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("config", "show")
    assert result.code == 2
    assert result.err.startswith(str(tmp_path / "genflag.toml")) and message in result.err, result.err
    assert "Traceback" not in result.err


def test_the_defaults_are_the_documented_limits() -> None:
    settings = settings_from({})
    assert (settings.max_depth, settings.max_scripts, settings.max_ingredients, settings.max_total_ingredients) == (
        4, 200, 1000, 10_000)
    assert settings.enabled and settings.conventions == () and dict(settings.node_classes) == {}
