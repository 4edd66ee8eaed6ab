"""Generator metadata layouts the real corpus does not hold, built as their apps write them (the markers
sd-metadata documents): TensorArt, RuinedFooocus, Easy Diffusion, SD.Next, Forge Classic, Stability
Matrix without its project, Windows XP tags; unknown layouts fall back to generator text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from genflag.media.probe_runner import ProbeRunner, RunnerOptions
from genflag.media.probes.generator_detect import detect
from genflag.media.probes.generator_entries import expand
from genflag.media.probes.generators import a1111_family
from tests import built_media as bm

GRAPH = {"4": {"class_type": "ECHOCheckpointLoaderSimple", "inputs": {"ckpt_name": "x.safetensors"}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox"}}}


def probe(tmp_path: Path, name: str, data: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return ProbeRunner(RunnerOptions(use_cache=False, jobs=1)).probe_files([str(path)])[str(path)]


@pytest.mark.parametrize("chunks, generator, model, prompt", [
    ({"generation_data": json.dumps({"prompt": "a fox", "baseModel": {"modelFileName": "tensor_v3.safetensors"}}) + "\x00\x00",
      "prompt": json.dumps(GRAPH)}, "TensorArt", "tensor_v3.safetensors", "a fox"),
    ({"parameters": json.dumps({"Prompt": "a fox", "base_model_name": "juggernautXL.safetensors", "software": "RuinedFooocus"})},
     "RuinedFooocus", "juggernautXL.safetensors", "a fox"),
    ({"parameters": json.dumps({"prompt": "a fox", "use_stable_diffusion_model": "sd-v1-5"})}, "Easy Diffusion", "sd-v1-5", "a fox"),
    ({"parameters": "a fox\nSteps: 20, Sampler: Euler, Model: dreamshaper_8, App: SD.Next, Version: 2f2a6c2"},
     "SD.Next", "dreamshaper_8", "a fox"),
    ({"parameters": "a fox\nSteps: 20, Sampler: Euler, Model: ponyXL, Version: classic"}, "Forge Classic", "ponyXL", "a fox"),
    ({"parameters": "a fox\nSteps: 20, Sampler: Euler, Model: ponyXL, Version: f2.0.1v1.10.1-previous-669"}, "Forge", "ponyXL", "a fox"),
    ({"parameters": "a fox\nSteps: 20, Sampler: Euler, Model: m, Civitai resources: [{\"type\":\"checkpoint\"}]"},
     "Civitai", "m", "a fox"),
    ({"smproj": "{}", "parameters-json": json.dumps({"PositivePrompt": "a fox", "ModelName": "wai.safetensors"})},
     "Stability Matrix", "wai.safetensors", "a fox"),
])
def test_when_an_app_writes_its_own_png_layout_then_it_is_named(tmp_path: Path, chunks, generator, model, prompt) -> None:
    facts = probe(tmp_path, "a.png", bm.png_with(chunks))
    assert (facts["png.generator"], facts["png.model"], facts["png.prompt"]) == (generator, model, prompt)


def test_when_no_parser_knows_a_chunk_then_its_text_is_a_fact_and_the_fallback_rule_can_match(tmp_path: Path) -> None:
    facts = probe(tmp_path, "a.png", bm.png_with({"Title": "plate", "gen_meta": '{"prompt": "harbour", "seed": 12, "cfg": 3}'}))
    assert facts["png.generator_text"] == ['gen_meta: {"prompt": "harbour", "seed": 12, "cfg": 3}']
    assert "png.generator" not in facts


def test_when_windows_xp_tags_hold_text_then_decoded(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x9C9C] = "made in Recraft V3".encode("utf-16-le") + b"\x00\x00"
    exif[0x9C9F] = "poster".encode("utf-16-le")
    facts = probe(tmp_path, "a.jpg", bm.jpeg_with(exif=exif))
    assert facts["exif.xp_comment"] == "made in Recraft V3" and facts["exif.xp_subject"] == "poster"


def test_when_comfyui_writes_prompt_into_the_webp_model_tag_then_found(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0110] = "prompt:" + json.dumps({"3": {"class_type": "KSampler", "inputs": {}},
                                           "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux1-dev.safetensors"}}})
    exif[0x010F] = "workflow:" + json.dumps({"nodes": []})
    import io
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "WEBP", exif=exif.tobytes())
    facts = probe(tmp_path, "a.webp", buf.getvalue())
    assert (facts["exif.generator"], facts["exif.model"]) == ("ComfyUI", "flux1-dev.safetensors")


def test_prefixed_json_and_comment_json_become_entries() -> None:
    assert expand("Make", 'Prompt: {"1": 2}') == {"prompt": '{"1": 2}'}
    assert expand("UserComment", '{"Comment": "{}", "x": 1}')["Comment"] == "{}"
    assert detect({"Software": "NovelAI Diffusion V4.5", "Comment": '{"prompt": "a fox"}'}).prompt == "a fox"


@pytest.mark.parametrize("settings, family", [
    ("Steps: 20, Version: v1.10.1", "Automatic1111"), ("Steps: 20, Version: neo", "Forge Neo"),
    ("Steps: 20, Version: f1.0.0v2-v1.10.1RC", "reForge"), ("Steps: 20, Version: ComfyUI", "ComfyUI"),
    ("Steps: 20, Version: Fooocus v2.5.5", "Fooocus"), ("Steps: 20, swarm_version: 0.9", "SwarmUI"),
    ("Steps: 20, Sampler: Euler", "Automatic1111"), ("Steps: 20, ADetailer Version: 24.1", "Automatic1111"),
])
def test_a1111_format_writers_are_told_apart_by_their_version(settings: str, family: str) -> None:
    assert a1111_family(settings) == family


def test_rules_explain_shows_each_selections_tier(run_cli) -> None:  # type: ignore[no-untyped-def]
    out = run_cli("rules", "explain", "genai.video.sora").out
    assert "possible [possible]:" in out and "vfx_context [context]:" in out and "named [from its evidence]:" in out
