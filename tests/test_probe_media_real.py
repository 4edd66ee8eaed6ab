"""Each cause issue 17 names, on the real third-party files of tests/data/corpus/media-real: what the
probes read (facts) and what the default pack makes of it (findings), checked under neutral names."""

from __future__ import annotations

from pathlib import Path

import pytest

from genflag.media.probe_runner import ProbeRunner, RunnerOptions
from tests.media_real import MEDIA_REAL, check_neutrally, rows


def facts_of(name: str) -> dict:
    path = str(MEDIA_REAL / name)
    return ProbeRunner(RunnerOptions(use_cache=False, jobs=1)).probe_files([path])[path]


def findings_of(name: str, tmp_path: Path) -> dict[str, object]:
    row = next(r for r in rows() if r.file == name)
    return {f.rule: f for f in check_neutrally([row], tmp_path)[0].findings}


# --- C2PA ----------------------------------------------------------------------------------------

def test_when_microsoft_signs_without_source_type_then_description_and_agent_are_facts() -> None:
    facts = facts_of("c2pa_bing_designer_pinkhair_1.jpg")
    assert facts["c2pa.claim_generator"] == "Microsoft_Responsible_AI/1.0"
    assert facts["c2pa.actions.description"] == ["AI Generated Image"]
    assert facts["c2pa.actions.software_agent"] == ["Image Creator from Designer"]
    assert facts["c2pa.generator"] == ["Image Creator from Designer"]
    assert "iptc.generative" not in facts  # no digital source type at all
    assert facts["c2pa.validation_state"] == "invalid"
    assert "signingCredential.invalid" in facts["c2pa.validation_codes"]
    assert "c2pa.integrity_codes" not in facts  # a certificate question, not tampering


def test_when_microsoft_credentials_are_untrusted_then_still_attributed_and_not_called_tampered(tmp_path: Path) -> None:
    found = findings_of("c2pa_bing_designer_pinkhair_1.jpg", tmp_path)
    assert found["genai.image.microsoft"].strength == "declared"
    assert found["genai.image.microsoft"].tool == "Microsoft Designer / Bing Image Creator"
    assert "Image Creator from Designer" in found["provenance.c2pa.ai_described"].message
    assert "provenance.c2pa.invalid" not in found


def test_when_firefly_writes_action_parameters_then_they_are_facts() -> None:
    facts = facts_of("c2pa_firefly_v4_text_to_image.jpg")
    assert "com.adobe.firefly.operation=text_to_image" in facts["c2pa.actions.parameters"]
    assert facts["c2pa.generator"] == ["Adobe Firefly"] and "c2pa.generator_via" not in facts
    assert facts["c2pa.signature.issuer"] == "Adobe Inc."


def test_when_source_type_is_only_in_an_ingredient_then_its_manifest_is_named(tmp_path: Path) -> None:
    facts = facts_of("c2pa_chatgpt_gpt4o_ingredient_dst.png")
    assert "c2pa.actions.digital_source_type" not in facts
    assert facts["c2pa.ingredients.software_agent"] == ["GPT-4o"]
    assert facts["c2pa.ingredients.declared_by"][0].startswith("trainedAlgorithmicMedia from ChatGPT (urn:")
    assert facts["c2pa.ingredients.signature.issuer"] == ["OpenAI"]
    found = findings_of("c2pa_chatgpt_gpt4o_ingredient_dst.png", tmp_path)
    assert found["provenance.iptc.generated"].message == "media declares trainedAlgorithmicMedia (tool: GPT-4o)"
    assert found["genai.image.openai"].strength == "declared"


def test_when_google_credentials_are_composite_over_a_generated_ingredient_then_google_is_named(tmp_path: Path) -> None:
    facts = facts_of("c2pa_google_gemini_watermark_composite.png")
    assert facts["c2pa.actions.digital_source_type"] == ["composite"]
    assert facts["c2pa.ingredients.digital_source_type"] == ["trainedAlgorithmicMedia"]
    assert facts["c2pa.generator"] == ["Google Generative AI"]
    assert facts["iptc.generative_type"] == ["trainedAlgorithmicMedia"]
    found = findings_of("c2pa_google_gemini_watermark_composite.png", tmp_path)
    assert found["genai.image.google"].vendor == "Google" and found["genai.image.google"].strength == "declared"
    assert "(tool: Google Generative AI)" in found["provenance.iptc.generated"].message


def test_when_rebuilt_pixels_break_the_hash_then_declarations_survive_and_integrity_is_reported(tmp_path: Path) -> None:
    facts = facts_of("c2pa_google_genai_multi_ingredient.png")
    assert facts["c2pa.integrity_codes"] and facts["iptc.generative"] is True
    found = findings_of("c2pa_google_genai_multi_ingredient.png", tmp_path)
    assert {"provenance.c2pa.invalid", "genai.image.google", "provenance.iptc.generated"} <= set(found)


def test_when_camera_video_has_capture_credentials_then_mp4_tags_read_and_nothing_flagged(tmp_path: Path) -> None:
    facts = facts_of("c2pa_camera_sony_video_watermarked.mp4")
    assert facts["mp4.brand"] == "isom" and facts["mp4.encoder"] == "Lavf58.29.100"
    assert facts["iptc.source_class"] == ["capture"]
    assert "assertion.action.malformed" in facts["c2pa.validation_codes"] and "c2pa.integrity_codes" not in facts
    assert findings_of("c2pa_camera_sony_video_watermarked.mp4", tmp_path) == {}


def test_when_credentials_carry_training_permissions_then_not_an_ai_assertion() -> None:
    facts = facts_of("c2pa_camera_iphone13_aca_training_mining.jpg")
    assert "c2pa.training-mining" in facts["c2pa.assertions"]
    assert "c2pa.ai_assertion" not in facts and "c2pa.generator" not in facts


# --- EXIF / PNG generator metadata ---------------------------------------------------------------

@pytest.mark.parametrize("name, generator, model", [
    ("comfyui_saveimageplus_exif_ifd0_usercomment.webp", "ComfyUI", "waiIllustriousSDXL_v160.safetensors"),
    ("comfyui_saveimageextended_exif_make_imagedescription.jpg", "ComfyUI", "waiIllustriousSDXL_v160.safetensors"),
    ("comfyui_imagesaver_a1111_usercomment.jpg", "ComfyUI", "JANKUV5NSFWTrainedNoobai_v50"),
    ("civitai_comfy_json_usercomment.jpg", "Civitai", "urn:air:sdxl:checkpoint:civitai:827184@2514310"),
    ("swarmui_sui_image_params_exif.webp", "SwarmUI", "waiIllustriousSDXL_v160"),
    ("a1111_sdwebui_usercomment.jpg", "Automatic1111", "waiIllustriousSDXL_v160"),
    ("reforge_usercomment.jpg", "reForge", "waiIllustriousSDXL_v160"),
    ("forge_neo_usercomment.webp", "Forge Neo", "waiIllustriousSDXL_v160"),
    ("novelai_v45_exif.webp", "NovelAI", "NovelAI Diffusion V4.5 4BDE2A90"),
])
def test_when_a_saver_writes_exif_anywhere_then_the_generator_is_read(name: str, generator: str, model: str) -> None:
    facts = facts_of(name)
    assert (facts["exif.generator"], facts["exif.model"]) == (generator, model)
    assert facts.get("exif.prompt")


def test_when_user_comment_is_in_ifd0_then_it_is_read() -> None:
    facts = facts_of("comfyui_saveimageplus_exif_ifd0_usercomment.webp")
    assert facts["exif.user_comment"].startswith('{"prompt": {')


def test_when_comfyui_writes_into_make_and_image_description_then_both_are_facts() -> None:
    facts = facts_of("comfyui_saveimageextended_exif_make_imagedescription.jpg")
    assert facts["exif.make"].startswith("Prompt: {") and facts["exif.image_description"].startswith("Workflow: {")


@pytest.mark.parametrize("name, generator", [
    ("hf_space_json_parameters.png", "Hugging Face Space (diffusers)"),
    ("stability_matrix_parameters_json.png", "Stability Matrix"),
    ("invokeai5_metadata_graph.png", "InvokeAI"),
])
def test_when_png_parameters_are_json_then_the_app_is_told_apart(name: str, generator: str) -> None:
    facts = facts_of(name)
    assert facts["png.generator"] == generator and facts["png.model"]


def test_when_generator_metadata_is_found_then_the_finding_names_it(tmp_path: Path) -> None:
    found = findings_of("swarmui_sui_image_params_exif.webp", tmp_path)
    finding = found["provenance.generator.image_metadata"]
    assert finding.message == "made with SwarmUI (its generation parameters are in the file)"
    assert finding.tool == "SwarmUI" and finding.strength == "metadata"
    assert finding.captures["model"] == "waiIllustriousSDXL_v160"
