"""PNG probe: generator chunks written with Pillow, stealth info, truncated and oversized chunks."""

from __future__ import annotations

import gzip
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from genflag.media.probes import container
from genflag.media.probes.generators import parse_a1111
from genflag.media.probes.png_text import PngTextProbe

A1111 = ("a red fox in snow, <lora:x:1>\nNegative prompt: blurry\n"
         "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: abc, Model: dreamshaper_8")
COMFY_PROMPT = {
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse at dusk", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["4", 1]}},
    "3": {"class_type": "KSampler", "inputs": {"positive": ["6", 0], "negative": ["7", 0], "model": ["4", 0]}},
}


def write_png(path: Path, chunks: dict[str, str], mode: str = "RGB", compressed: bool = False) -> Path:
    info = PngImagePlugin.PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value, zip=compressed)
    Image.new(mode, (4, 4)).save(path, pnginfo=info)
    return path


def probe(path: Path) -> dict:
    head = path.read_bytes()[:64]
    p = PngTextProbe()
    assert p.accepts(str(path), head)
    return p.probe(str(path), head)


def test_when_png_has_comfyui_chunks_then_generator_model_and_positive_prompt(tmp_path: Path) -> None:
    path = write_png(tmp_path / "comfy.png", {"prompt": json.dumps(COMFY_PROMPT), "workflow": '{"nodes": []}'})
    facts = probe(path)
    assert facts["png.generator"] == "ComfyUI"
    assert facts["png.model"] == "sd_xl_base_1.0.safetensors"
    assert facts["png.prompt"] == "a lighthouse at dusk"
    assert facts["png.keys"] == ["prompt", "workflow"]


def test_when_png_has_a1111_parameters_then_generator_model_prompt(tmp_path: Path) -> None:
    facts = probe(write_png(tmp_path / "a1111.png", {"parameters": A1111}, compressed=True))
    assert (facts["png.generator"], facts["png.model"]) == ("Automatic1111", "dreamshaper_8")
    assert facts["png.prompt"] == "a red fox in snow, <lora:x:1>"


def test_when_png_has_novelai_software_then_novelai(tmp_path: Path) -> None:
    facts = probe(write_png(tmp_path / "nai.png", {"Software": "NovelAI", "Source": "NAI Diffusion V3",
                                                   "Description": "a cat"}))
    assert (facts["png.generator"], facts["png.model"], facts["png.prompt"]) == ("NovelAI", "NAI Diffusion V3", "a cat")
    assert facts["png.software"] == "NovelAI"


def test_when_png_has_invokeai_metadata_then_invokeai(tmp_path: Path) -> None:
    meta = {"positive_prompt": "castle", "model": {"name": "juggernautXL"}}
    facts = probe(write_png(tmp_path / "invoke.png", {"invokeai_metadata": json.dumps(meta)}))
    assert (facts["png.generator"], facts["png.model"], facts["png.prompt"]) == ("InvokeAI", "juggernautXL", "castle")


def test_when_png_has_ordinary_text_then_no_generator(tmp_path: Path) -> None:
    facts = probe(write_png(tmp_path / "plain.png", {"Title": "plate", "Software": "Nuke 15"}))
    assert "png.generator" not in facts and facts["png.software"] == "Nuke 15"


def test_when_prompt_chunk_is_hostile_json_then_ignored_not_executed(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    facts = probe(write_png(tmp_path / "deep.png", {"prompt": deep, "workflow": "__import__('os').system('false')"}))
    assert "png.generator" not in facts


def test_when_text_chunk_is_truncated_then_warning_not_exception(tmp_path: Path) -> None:
    full = write_png(tmp_path / "full.png", {"parameters": A1111}).read_bytes()
    cut = full[:full.index(b"tEXt") + 30]
    path = tmp_path / "cut.png"
    path.write_bytes(cut)
    facts = probe(path)
    assert any("truncated" in w for w in facts["png.warnings"])


def test_when_text_chunk_is_oversized_then_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "MAX_TEXT_CHUNK", 1000)
    path = write_png(tmp_path / "big.png", {"parameters": A1111 + "x" * 5000, "Software": "Nuke"})
    facts = probe(path)
    assert "png.generator" not in facts and facts["png.software"] == "Nuke"
    assert any("oversized tEXt" in w for w in facts["png.warnings"])


def test_when_chunk_length_claims_gigabytes_then_no_hang(tmp_path: Path) -> None:
    bogus = struct.pack(">I", 0x7FFFFFF0) + b"tEXt" + b"parameters\x00x"
    data = Image.new("RGB", (2, 2))
    path = tmp_path / "liar.png"
    data.save(path)
    raw = path.read_bytes()
    path.write_bytes(raw[:33] + bogus)  # after the IHDR chunk
    facts = probe(path)
    assert "png.generator" not in facts and facts["png.warnings"]


def _stealth_png(path: Path, text: str, compressed: bool) -> Path:
    payload = gzip.compress(text.encode()) if compressed else text.encode()
    magic = b"stealth_pngcomp" if compressed else b"stealth_pnginfo"
    bits = "".join(f"{b:08b}" for b in magic) + f"{len(payload) * 8:032b}" + "".join(f"{b:08b}" for b in payload)
    width = height = 64
    image = Image.new("RGBA", (width, height), (10, 20, 30, 254))
    pixels = image.load()
    for index, bit in enumerate(bits):
        x, y = divmod(index, height)  # column-major, as the A1111 extension writes it
        r, g, b, a = pixels[x, y]
        pixels[x, y] = (r, g, b, (a & ~1) | int(bit))
    image.save(path)
    return path


@pytest.mark.parametrize("compressed", [False, True])
def test_when_alpha_hides_stealth_parameters_then_found(tmp_path: Path, compressed: bool) -> None:
    facts = probe(_stealth_png(tmp_path / "stealth.png", A1111, compressed))
    assert facts["png.stealth"] is True
    assert (facts["png.generator"], facts["png.model"]) == ("Automatic1111", "dreamshaper_8")


def test_when_stealth_disabled_then_pixels_not_decoded(tmp_path: Path) -> None:
    path = _stealth_png(tmp_path / "stealth.png", A1111, False)
    probe_ = PngTextProbe()
    probe_.stealth_max_pixels = 0
    assert "png.stealth" not in probe_.probe(str(path), path.read_bytes()[:64])


def test_when_rgba_png_has_no_stealth_magic_then_nothing(tmp_path: Path) -> None:
    path = tmp_path / "rgba.png"
    Image.new("RGBA", (32, 32), (1, 2, 3, 255)).save(path)
    assert probe(path) == {}


def test_when_parameters_lack_steps_line_then_not_a1111() -> None:
    assert parse_a1111("just a caption\nNegative prompt: none") is None


def test_when_ztxt_is_a_decompression_bomb_then_warning(tmp_path: Path) -> None:
    bomb = zlib.compress(b"a" * (8 * 1024 * 1024))
    body = b"parameters\x00\x00" + bomb
    chunk = struct.pack(">I", len(body)) + b"zTXt" + body + struct.pack(">I", zlib.crc32(b"zTXt" + body))
    path = tmp_path / "plain.png"
    Image.new("RGB", (2, 2)).save(path)
    raw = path.read_bytes()
    path.write_bytes(raw[:33] + chunk + raw[33:])
    facts = probe(path)
    assert "png.generator" not in facts
    assert any("zTXt" in w for w in facts["png.warnings"])
