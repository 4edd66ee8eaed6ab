"""The catalogue of AI features in editing and finishing tools: each feature is recognised in every
export format that carries it, real exports without AI features stay clean, and the documentation's
catalogue table names exactly these rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from genflag.check.checker import Checker, CheckOptions
from genflag.rules.pack import load_pack
from tests.nle_exports import BUILDERS, PREMIERE_XML, RESOLVE_OTIO

DOCS = Path(__file__).resolve().parents[1] / "docs" / "default-rules.md"
RESOLVE = ("resolve_otio", "otio")
PREMIERE = ("fcp7_xml", "otio")
FINAL_CUT = ("fcpx", "otio")

#: tool, feature, the name it exports under, formats that carry it, rule, category
CATALOGUE: list[tuple[str, str, str, tuple[str, ...], str, str]] = [
    ("DaVinci Resolve", "Magic Mask", "Magic Mask", RESOLVE, "ml.roto.resolve_magic_mask", "ml_assisted"),
    ("DaVinci Resolve", "Speed Warp", "Speed Warp", RESOLVE, "ml.interpolate.resolve_speed_warp", "ml_assisted"),
    ("DaVinci Resolve", "Voice Isolation", "Voice Isolation", RESOLVE, "ml.audio.voice_isolation", "ml_assisted"),
    ("DaVinci Resolve", "Relight", "Relight", RESOLVE, "nle.resolve.relight", "ml_assisted"),
    ("DaVinci Resolve", "Face Refinement", "Face Refinement", RESOLVE, "nle.resolve.face_refinement", "ml_assisted"),
    ("DaVinci Resolve", "Depth Map", "Depth Map", RESOLVE, "nle.resolve.depth_map", "ml_assisted"),
    ("DaVinci Resolve", "Super Scale", "Super Scale", RESOLVE, "ml.upscale.resolve_superscale", "ml_assisted"),
    ("DaVinci Resolve", "UltraNR", "UltraNR", RESOLVE, "ml.denoise.resolve_ultranr", "ml_assisted"),
    ("DaVinci Resolve", "Smart Reframe", "Smart Reframe", RESOLVE, "ml.reframe.auto_reframe", "ml_assisted"),
    ("DaVinci Resolve", "AI Set Extender", "AI Set Extender", RESOLVE, "nle.resolve.set_extender", "generative.edit"),
    ("DaVinci Resolve", "AI Voice Convert", "Voice Convert", RESOLVE, "nle.resolve.voice_convert",
     "likeness.voice_clone"),
    ("DaVinci Resolve", "AI Dialogue Matcher", "Dialogue Matcher", RESOLVE, "nle.resolve.dialogue_matcher",
     "ml_assisted"),
    ("DaVinci Resolve", "Music Remixer", "Music Remixer", RESOLVE, "nle.resolve.music_remixer", "ml_assisted"),
    ("Premiere Pro", "Generative Extend", "Generative Extend", PREMIERE, "genai.edit.premiere_generative_extend",
     "generative.edit"),
    ("Premiere Pro", "Enhance Speech", "Enhance Speech", PREMIERE, "ml.audio.adobe_enhance_speech", "ml_assisted"),
    ("Premiere Pro", "Auto Reframe", "Auto Reframe", PREMIERE, "ml.reframe.auto_reframe", "ml_assisted"),
    ("After Effects", "Roto Brush", "Roto Brush & Refine Edge", ("otio",), "ml.roto.ae_roto_brush", "ml_assisted"),
    ("After Effects", "Content-Aware Fill", "Content-Aware Fill", ("otio",), "ml.paint.content_aware_fill",
     "ml_assisted"),
    ("Final Cut Pro", "Magnetic Mask", "Magnetic Mask", FINAL_CUT, "nle.fcp.magnetic_mask", "ml_assisted"),
    ("Final Cut Pro", "Enhance Light and Color", "Enhance Light and Color", FINAL_CUT, "nle.fcp.enhance_light_color",
     "ml_assisted"),
    ("Final Cut Pro", "Smooth Slo-Mo", "Smooth Slo-Mo", ("otio",), "nle.fcp.smooth_slomo", "ml_assisted"),
    ("Final Cut Pro", "Voice Isolation", "Voice Isolation", FINAL_CUT, "ml.audio.voice_isolation", "ml_assisted"),
    ("Avid Media Composer (AVX)", "Boris FX Continuum ML", "BCC+ UpRez ML", ("aaf", "fcp7_xml", "resolve_otio", "otio"),
     "nle.borisfx.continuum_ml", "ml_assisted"),
    ("Autodesk Flame", "ML Timewarp", "ML Timewarp", ("otio",), "nle.flame.ml_timewarp", "ml_assisted"),
    ("Autodesk Flame", "ML keyers", "Human Face Extraction", ("otio",), "nle.flame.ml_keyers", "ml_assisted"),
    ("Topaz Labs (plug-in)", "Topaz Video AI", "Topaz Video AI", ("resolve_otio", "fcp7_xml", "otio"),
     "ml.upscale.topaz", "ml_assisted"),
]

CASES = [pytest.param(name, fmt, rule, category, id=f"{feature}-{fmt}")
         for _, feature, name, formats, rule, category in CATALOGUE for fmt in formats]


def _findings(path: str) -> dict[str, set[tuple[str, str]]]:
    run = Checker(CheckOptions(probe_media=False)).check_paths([path])
    assert run.errors == []
    out: dict[str, set[tuple[str, str]]] = {}
    for finding in run.findings:
        out.setdefault(finding.clip, set()).add((finding.rule, finding.category))
    return out


@pytest.mark.parametrize("name, fmt, rule, category", CASES)
def test_each_catalogued_feature_is_recognised_in_each_format_that_carries_it(
        tmp_path: Path, name: str, fmt: str, rule: str, category: str) -> None:
    path, clip = BUILDERS[fmt](tmp_path, name)
    found = _findings(path)
    assert (rule, category) in found.get(clip, set()), f"{fmt}: {clip} got {found.get(clip)}"
    assert set(found) == {clip}, "only the clip with the effect may be flagged"


def test_premiere_match_names_in_the_effectid_are_read(tmp_path: Path) -> None:
    path, clip = BUILDERS["fcp7_xml"](tmp_path, "", "AE.ADBE Auto Reframe")
    assert ("ml.reframe.auto_reframe", "ml_assisted") in _findings(path)[clip]


@pytest.mark.parametrize("path", [RESOLVE_OTIO, PREMIERE_XML], ids=["resolve", "premiere"])
def test_the_real_exports_with_ordinary_effects_stay_clean(path: Path) -> None:
    assert _findings(str(path)) == {}


def _docs_table() -> list[list[str]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## AI features in editing and finishing tools", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| tool")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows if not set(row) <= set("|- ")]
    return [row for row in cells if len(row) == 8]  # the catalogue table (tool ... category, rule)


def test_the_documentation_table_lists_every_catalogued_feature_with_its_rule() -> None:
    rows = {(row[0], row[1]): row for row in _docs_table()}
    for tool, feature, _, _, rule, category in CATALOGUE:
        row = rows.get((tool, feature))
        assert row is not None, f"docs/default-rules.md lacks {tool} / {feature}"
        assert f"`{rule}`" in row[-1] and category in row[-2], row


def test_every_nle_rule_of_the_pack_is_in_the_documentation_table() -> None:
    documented = {rule for row in _docs_table() for rule in re.findall(r"`([a-z0-9_.]+)`", row[-1])}
    pack = load_pack([], True)
    assert {r for r in pack.rules if r.startswith("nle.")} <= documented
    assert documented <= set(pack.rules)


def test_the_real_final_cut_export_with_ordinary_effects_stays_clean() -> None:
    from tests.nle_exports import FCPX_PROJECT
    assert _findings(str(FCPX_PROJECT)) == {}


def test_final_cut_effects_land_on_their_own_clip_only(tmp_path: Path) -> None:
    from genflag.nle.fcpx_effects import read_effects
    path, _ = BUILDERS["fcpx"](tmp_path, "Magnetic Mask")
    index = read_effects(path)
    assert [(float(e.start), float(e.duration), e.effects) for e in index["IMG_0268"]] == [
        (23200 / 3000, 10.0, ("Magnetic Mask",))]
    assert "Cross Dissolve" not in {name for entries in index.values() for e in entries for name in e.effects}


def test_an_unreadable_final_cut_file_is_a_warning_and_nothing_else(tmp_path: Path) -> None:
    from genflag.nle.collector import FcpxEffectsCollector
    from genflag.plugins import RunContext
    broken = tmp_path / "cut.fcpxml"
    broken.write_text("<fcpxml><unclosed>", encoding="utf-8")
    context = RunContext(timeline_path=str(broken))
    FcpxEffectsCollector().collect([object()], context)  # type: ignore[list-item]
    assert len(context.warnings) == 1 and context.warnings[0].startswith(f"{broken}: Final Cut Pro X effects not read: ")
    bomb = tmp_path / "bomb.fcpxml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><fcpxml>&a;</fcpxml>', encoding="utf-8")
    context = RunContext(timeline_path=str(bomb))
    FcpxEffectsCollector().collect([object()], context)  # type: ignore[list-item]
    assert "EntitiesForbidden" in context.warnings[0]
