"""Sidecar probe: <media>.genflag.json / .yaml, sequence sidecars, hostile content."""

from __future__ import annotations

import json
from pathlib import Path

from genflag.media.probes.sidecar import SidecarProbe


def media(tmp_path: Path, name: str = "shot.mov") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\x00" * 16)
    return path


def probe(path: Path) -> dict:
    p = SidecarProbe()
    if not p.accepts(str(path), b""):
        return {}
    return p.probe(str(path), b"")


def test_when_json_sidecar_exists_then_keys_flattened(tmp_path: Path) -> None:
    path = media(tmp_path)
    (tmp_path / "shot.mov.genflag.json").write_text(json.dumps(
        {"generator": "Runway Gen-4", "digital_source_type": "trainedAlgorithmicMedia",
         "vendor": {"name": "ACME VFX", "tools": ["Nuke", "Runway"]}, "approved": False}))
    facts = probe(path)
    assert facts["sidecar.generator"] == "Runway Gen-4"
    assert facts["sidecar.vendor.name"] == "ACME VFX"
    assert facts["sidecar.vendor.tools"] == ["Nuke", "Runway"]
    assert facts["sidecar.approved"] is False
    assert facts["sidecar.file"] == str(tmp_path / "shot.mov.genflag.json")


def test_when_yaml_sidecar_exists_then_read_with_safe_load(tmp_path: Path) -> None:
    path = media(tmp_path)
    (tmp_path / "shot.mov.genflag.yaml").write_text("generator: Sora\nshot_date: 2026-01-02\n")
    facts = probe(path)
    assert facts["sidecar.generator"] == "Sora" and facts["sidecar.shot_date"] == "2026-01-02"


def test_when_yaml_has_python_tags_then_error_and_nothing_runs(tmp_path: Path) -> None:
    path = media(tmp_path)
    marker = tmp_path / "pwned"
    (tmp_path / "shot.mov.genflag.yaml").write_text(
        f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    facts = probe(path)
    assert "sidecar.error" in facts and not marker.exists()


def test_when_sidecar_is_not_a_mapping_then_error(tmp_path: Path) -> None:
    path = media(tmp_path)
    (tmp_path / "shot.mov.genflag.json").write_text("[1, 2]")
    assert probe(path)["sidecar.error"].endswith("top level must be a mapping")


def test_when_yaml_aliases_explode_then_bounded(tmp_path: Path) -> None:
    path = media(tmp_path)
    lines = ["a0: &a0 {k: v, l: w}"]
    lines += [f"a{i}: &a{i} {{x: *a{i - 1}, y: *a{i - 1}, z: *a{i - 1}}}" for i in range(1, 30)]
    (tmp_path / "shot.mov.genflag.yaml").write_text("\n".join(lines) + "\n")
    facts = probe(path)
    assert 0 < len(facts) <= 501


def test_when_frame_has_no_sidecar_then_sequence_sidecar_used(tmp_path: Path) -> None:
    frame = media(tmp_path, "shot.1001.exr")
    (tmp_path / "shot.####.exr.genflag.json").write_text('{"generator": "Kling"}')
    assert probe(frame)["sidecar.generator"] == "Kling"


def test_when_keys_are_hostile_then_sanitised(tmp_path: Path) -> None:
    path = media(tmp_path)
    (tmp_path / "shot.mov.genflag.json").write_text(json.dumps({"../../etc\npasswd": "x", "file": "spoof"}))
    facts = probe(path)
    assert facts["sidecar.______etc_passwd"] == "x"
    assert facts["sidecar.file"].endswith("shot.mov.genflag.json")


def test_when_no_sidecar_then_not_accepted(tmp_path: Path) -> None:
    assert probe(media(tmp_path)) == {}
