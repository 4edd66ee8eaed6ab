"""The default pack on what the media says: every AI file flagged with the right category, no trap
flagged as generative (public corpus), and the same on files signed in the test itself."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from genflag.check.checker import Checker, CheckOptions
from tests import probe_fixtures as fx
from tests.conftest import corpus_dir
from tests.helpers import make_timeline, trange

#: corpus file -> the generative category it must get (None: must not be flagged as generative)
EXPECTED = {
    "c2pa-js-legacy/firefly-1.jpg": "generative.image",          # legacy com.adobe.generative-ai assertion
    "c2pa-js-legacy/gen-fill.jpg": "generative.edit",            # c2pa.placed trainedAlgorithmicMedia
    "c2pa-js-legacy/composite-dst.jpg": "generative.edit",       # compositeWithTrainedAlgorithmicMedia
    "c2pa-js-legacy/genai-actions-v2.jpg": "generative.edit",    # composite with a Firefly ingredient
    "c2pa-js-legacy/sample.pdf": "generative.edit",
    "c2pa-node/ingredient-with-data-types.jpg": "generative.image",  # c2pa.created trainedAlgorithmicMedia
    "c2pa-rs/ocsp.jpg": "generative.edit",
    "sd-parsers/AUTOMATIC1111/automatic1111_cropped.jpg": "generative.image",
    "sd-parsers/AUTOMATIC1111/automatic1111_cropped.png": "generative.image",
    "sd-parsers/AUTOMATIC1111/automatic1111_stealth.png": "generative.image",
    "sd-parsers/ComfyUI/img2img_cropped.png": "generative.image",
    "sd-parsers/ComfyUI/unclip_2pass_cropped.png": "generative.image",
    "sd-parsers/Fooocus/fooocus1_cropped.png": "generative.image",
    "sd-parsers/InvokeAI/invokeai_imeta1.png": "generative.image",
    "sd-parsers/InvokeAI/invokeai_sdmeta1.png": "generative.image",
    "sd-parsers/NovelAI/novelai1_cropped.png": "generative.image",
    "c2pa-rs/C.jpg": None,                 # algorithmicMedia: procedural, not AI
    "c2pa-rs/C_with_CAWG_data.jpg": None,  # ' digitalCapture' with a stray space: a camera
    "c2pa-rs/CA.jpg": None,
    "c2pa-rs/E-sig-CA.jpg": None,          # invalid signature
    "c2pa-rs/XCA.jpg": None,               # hash mismatch
    "c2pa-rs/cloud.jpg": None,             # remote-only manifest, never fetched
    "c2pa-rs/dashinit.mp4": None,          # tampered video
    "c2pa-rs/no_manifest.jpg": None,       # stripped manifest
    "c2pa-js-legacy/c2pa-actions-1.2.png": None,
}


def _clip(name: str, path: Path) -> otio.schema.Clip:
    # clip names carry no hint: only what the media says may flag them
    return otio.schema.Clip(name=name, media_reference=otio.schema.ExternalReference(target_url=str(path)),
                            source_range=trange(0, 24))


def _categories(timeline: otio.schema.Timeline, tmp_path: Path, rules: list[str] | None = None) -> dict[str, set[str]]:
    path = str(tmp_path / "media.otio")
    otio.adapters.write_to_file(timeline, path)
    run = Checker(CheckOptions(cache_dir=str(tmp_path / "cache"), rules=rules or [])).check_paths([path])
    assert run.errors == []
    found: dict[str, set[str]] = {}
    for finding in run.findings:
        found.setdefault(finding.clip, set()).add(finding.category)
    return found


@pytest.fixture(scope="module")
def corpus_categories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Every corpus file behind its own clip in one timeline, checked once: corpus file -> categories found."""
    media = corpus_dir("media")
    names = {f"clip{i:02d}": rel for i, rel in enumerate(sorted(EXPECTED))}
    timeline = make_timeline(("V1", [_clip(name, media / rel) for name, rel in names.items()]))
    found = _categories(timeline, tmp_path_factory.mktemp("corpus"))
    return {rel: found.get(name, set()) for name, rel in names.items()}


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_every_ai_file_in_the_corpus_is_flagged_and_no_trap_is(corpus_categories: dict[str, set[str]],
                                                                rel: str) -> None:
    found = corpus_categories[rel]
    generative = {c for c in found if c.startswith(("generative.", "likeness."))}
    expected = EXPECTED[rel]
    if expected is None:
        assert generative == set(), f"{rel} is not generative but got {generative}"
    else:
        assert expected in generative, f"{rel}: expected {expected}, got {found}"


def test_traps_still_report_their_provenance_problems(tmp_path: Path) -> None:
    """A broken signature is reported; remote-only and stripped credentials say nothing about AI, so
    their rules are off by default (camera photos exported from Lightroom carry them) and a TD turns
    them on."""
    media = corpus_dir("media")
    files = {"a": "c2pa-rs/E-sig-CA.jpg", "b": "c2pa-rs/cloud.jpg", "c": "c2pa-rs/no_manifest.jpg"}
    timeline = make_timeline(("V1", [_clip(k, media / v) for k, v in files.items()]))
    assert _categories(timeline, tmp_path) == {"a": {"provenance.integrity"}}
    overrides = tmp_path / "on.yaml"
    overrides.write_text("genflag_rules: 1\noverrides:\n  - {id: provenance.c2pa.remote_only, enabled: true}\n"
                         "  - {id: provenance.c2pa.stripped, enabled: true}\n", encoding="utf-8")
    found = _categories(timeline, tmp_path, [str(overrides)])
    assert found == {"a": {"provenance.integrity"}, "b": {"provenance.integrity"}, "c": {"provenance.integrity"}}


@pytest.mark.parametrize("source_type, category", [
    ("trainedAlgorithmicMedia", "generative.image"),
    ("compositeWithTrainedAlgorithmicMedia", "generative.edit"),
    ("algorithmicMedia", None),
    ("digitalCapture", None),
])
def test_files_signed_here_are_classified_by_their_source_type(tmp_path: Path, source_type, category) -> None:
    pytest.importorskip("cryptography")
    signed, _ = fx.sign(fx.tiny_jpeg(), fx.manifest(source_type))
    image = tmp_path / "plate.jpg"
    image.write_bytes(signed)
    found = _categories(make_timeline(("V1", [_clip("SH010_plate_v001", image)])), tmp_path)
    generative = {c for c in found.get("SH010_plate_v001", set()) if c.startswith("generative.")}
    assert generative == ({category} if category else set())
