"""genflag.api, the public functions integrations use: check media and timelines, write reports and sidecars."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from genflag import api
from genflag.files.schemas import validator
from genflag.plugins import Evidence, Finding

from .conftest import DEMO, EXAMPLES

PLUGIN_DATA = Path(__file__).resolve().parents[1] / "plugins" / "genflag-pyblish" / "tests" / "data"
COMFY = PLUGIN_DATA / "comfyui_img2img_cropped.png"
PLATE = EXAMPLES / "assets" / "media" / "sh040_plate_v001.png"


def test_check_media_gives_one_result_per_file_with_errors_for_unreadable_ones(tmp_path: Path) -> None:
    render = tmp_path / "sh010_comp_v001.png"
    shutil.copyfile(COMFY, render)
    (tmp_path / "folder").mkdir()
    paths = [str(render), str(PLATE), str(tmp_path / "missing.png"), str(tmp_path / "folder")]
    run = api.check_media(paths)
    assert [r.path for r in run.results] == paths
    assert "provenance.generator.image_metadata" in {f.rule for f in run.results[0].findings}
    assert run.results[0].findings[0].clip == "sh010_comp_v001.png"
    assert run.results[1].findings == [] and run.results[1].errors == []
    assert run.results[2].errors == [f"{paths[2]}: error: no such file"]
    assert run.results[3].errors == [f"{paths[3]}: error: is a folder, not a media file"]
    assert run.checked_at and run.rule_pack["packs"]


def test_audio_files_are_checked_as_audio_clips(tmp_path: Path) -> None:
    voice = tmp_path / "VO_015_elevenlabs_v003.wav"
    voice.write_bytes(b"RIFF\x00\x00\x00\x00WAVE")
    (finding,) = api.check_media([str(voice)], api.CheckSettings(probe_media=False)).findings
    assert finding.rule == "genai.voice.elevenlabs" and finding.track == "A1"


def test_check_timelines_applies_the_consent_registry() -> None:
    settings = api.CheckSettings(probe_media=False, consents=str(EXAMPLES / "consents.yaml"))
    run = api.check_timelines([str(DEMO)], settings)
    likeness = [f for f in run.findings if f.rule.startswith("likeness.")]
    assert likeness and all("consent" in f.captures for f in likeness)


def test_broken_settings_raise_a_one_line_genflag_error(tmp_path: Path) -> None:
    with pytest.raises(api.GenflagError) as caught:
        api.check_media([str(PLATE)], api.CheckSettings(rules=[str(tmp_path / "nope.yaml")]))
    assert "nope.yaml" in str(caught.value) and "\n" not in str(caught.value)


def test_write_report_follows_the_extension_and_writes_whole_files(tmp_path: Path) -> None:
    run = api.check_timelines([str(DEMO)], api.CheckSettings(probe_media=False))
    api.write_report(run, str(tmp_path / "r.json"))
    assert json.loads((tmp_path / "r.json").read_text())["schema"] == "genflag.report"
    api.write_report(run, str(tmp_path / "r.md"))
    assert (tmp_path / "r.md").read_text().startswith("#")
    assert set(api.report_formats()) >= {"html", "csv", "json", "md"}


def _finding(category: str, tool: str, status: str = "open") -> Finding:
    return Finding(timeline="x.png", timeline_name="x.png", track="V1", clip="x.png", clip_index=0, record_in=None,
                   record_out=None, record_range=None, source_range=None, media=None, rule=f"r.{tool.lower()}",
                   title=tool, severity="error", category=category, message=tool, tool=tool, vendor="V",
                   requires=["approval"], status=status, evidence=[Evidence("f", "v", "v")])


def test_sidecar_documents_are_valid_and_say_what_kind_of_generative_media() -> None:
    check = validator("sidecar.schema.json")
    clean = api.sidecar_document([], "2026-01-01T00:00:00+00:00", "genflag.default@1", "test")
    generated = api.sidecar_document([_finding("generative.image", "Midjourney")], "t", "p", "test")
    edited = api.sidecar_document([_finding("generative.edit", "Firefly", status="cleared")], "t", "p", "test")
    for document in (clean, generated, edited):
        check.validate(document)
    assert clean["genflag"]["status"] == "clean" and "digital_source_type" not in clean
    assert (generated["generator"], generated["digital_source_type"]) == ("Midjourney", "trainedAlgorithmicMedia")
    assert edited["digital_source_type"] == "compositeWithTrainedAlgorithmicMedia"
    assert edited["genflag"]["status"] == "cleared" and edited["genflag"]["requires"] == []


def test_write_sidecar_replaces_its_own_and_never_someone_elses(tmp_path: Path) -> None:
    media = tmp_path / "sh010.png"
    media.write_bytes(PLATE.read_bytes())
    document = api.sidecar_document([], "t", "p", "test")
    path = api.write_sidecar(str(media), document)
    assert path == api.sidecar_path(str(media)) and api.read_sidecar(path)["genflag"]["status"] == "clean"
    assert api.write_sidecar(str(media), document) == path  # ours: replaced
    Path(path).write_text('{"generator": "hand written"}')
    with pytest.raises(api.SidecarRefused):
        api.write_sidecar(str(media), document)
    assert json.loads(Path(path).read_text()) == {"generator": "hand written"}
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".genflag-")]  # no temp file left behind


def test_is_timeline_path_knows_genflags_formats() -> None:
    assert api.is_timeline_path("reel1.otio") and api.is_timeline_path("/cuts/reel1.EDL")
    assert not api.is_timeline_path("sh010.exr") and not api.is_timeline_path("otio")
