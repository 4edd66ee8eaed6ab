"""`genflag probe`: text and JSON output, usage errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from genflag.commands import probe as probe_cmd
from genflag.errors import UsageError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="genflag")
    probe_cmd.add_parser(parser.add_subparsers())
    return parser.parse_args(["probe", *argv])


@pytest.fixture()
def comfy_png(tmp_path: Path) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", json.dumps({"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux1-dev"}}}))
    path = tmp_path / "comfy.png"
    Image.new("RGB", (2, 2)).save(path, pnginfo=info)
    return path


def test_when_text_format_then_facts_listed_media_first(comfy_png: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(str(comfy_png), "--no-cache")
    assert args.run(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == str(comfy_png)
    assert lines[1].startswith("  media.")
    assert "  png.generator: ComfyUI" in lines and "  png.model: flux1-dev" in lines


def test_when_json_format_then_parseable(comfy_png: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(str(comfy_png), str(tmp_path / "missing.exr"), "--format", "json", "--cache-dir", str(tmp_path / "c"))
    assert args.run(args) == 2  # one file is missing: its facts are still in the document
    captured = capsys.readouterr()
    assert captured.err == f"{tmp_path / 'missing.exr'}: error: no such file\n"
    document = json.loads(captured.out)
    assert document["media"][0]["facts"]["png.generator"] == "ComfyUI"
    assert document["media"][1]["facts"]["media.missing"] is True
    assert document["warnings"] == []


def test_when_media_root_remaps_then_file_found(comfy_png: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("file:///Volumes/show/comfy.png", "--media-root", f"/Volumes/show={comfy_png.parent}", "--no-cache")
    args.run(args)
    assert "  png.generator: ComfyUI" in capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("argv, message", [(["x.png", "--media-root", "nonsense"], "--media-root"),
                                           (["x.png", "--jobs", "0"], "--jobs"),
                                           (["x.png", "--samples", "0"], "--samples")])
def test_when_options_are_bad_then_usage_error(argv: list[str], message: str) -> None:
    args = parse(*argv)
    with pytest.raises(UsageError, match=message) as caught:
        args.run(args)
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)


def test_when_run_through_genflag_main_then_usage_error_is_one_line_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from genflag import cli

    if "genflag.commands.probe" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "genflag.commands.probe"))
    assert cli.main(["probe", "x.png", "--media-root", "nonsense"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--media-root" in err[0]


def test_when_run_through_genflag_main_then_facts_printed(
        comfy_png: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from genflag import cli

    if "genflag.commands.probe" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "genflag.commands.probe"))
    monkeypatch.chdir(comfy_png.parent)
    assert cli.main(["probe", str(comfy_png), "--no-cache"]) == 0
    assert "  png.generator: ComfyUI" in capsys.readouterr().out.splitlines()
