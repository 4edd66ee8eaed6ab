"""Provenance through the comp: a render is flagged for what its comp script read and ran, with the chain."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from PIL import Image

from genflag.check.checker import Checker, CheckOptions
from genflag.findings import Finding
from tests.comp_fixtures import DATA, cut, generated_still, node, plate, read, render, write_script

GENERATIVE_STILL_EVIDENCE = "png.generator=ComfyUI"


def check(timeline: str, tmp_path: Path, config: dict[str, Any] | None = None,
          rules: list[str] | None = None) -> tuple[list[Finding], list[str]]:
    options = CheckOptions(cache_dir=str(tmp_path / "cache"), config=config or {}, rules=rules or [])
    run = Checker(options).check_paths([timeline])
    assert run.errors == []
    return run.findings, run.results[0].warnings


def by_clip(findings: list[Finding]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for finding in findings:
        out.setdefault(finding.clip, set()).add(finding.rule)
    return out


def sky_comp(tmp_path: Path, name: str = "sh010") -> Path:
    """A comp reading a clean plate and a real ComfyUI still (the sky), rendered to EXR."""
    plate(tmp_path / "plates" / f"{name}_plate.####.exr")
    generated_still(tmp_path / "elements" / "sky_gen_v001.png")
    return write_script(tmp_path / "comp" / f"{name}_comp_v003.nk",
                        read("ReadPlate", f"[file dirname [value root.name]]/../plates/{name}_plate.####.exr"),
                        read("ReadSky", "../elements/sky_gen_v001.png"),
                        node("Merge2", "Merge1", inputs=2))


def test_a_render_whose_comp_read_a_generated_still_is_flagged_with_the_chain(tmp_path: Path) -> None:
    script = sky_comp(tmp_path)
    target = render(tmp_path / "renders" / "sh010_comp_v003.####.exr", script)
    findings, warnings = check(cut(tmp_path / "cut.otio", ("SH010", target)), tmp_path)
    assert [(f.clip, f.rule, f.category, f.severity) for f in findings] == [
        ("SH010", "comp.generative_ingredient", "generative.edit", "error")]
    finding = findings[0]
    assert finding.message == ("composite with generative ingredients: sh010_comp_v003.####.exr ← "
                               f"sh010_comp_v003.nk ← sky_gen_v001.png ({GENERATIVE_STILL_EVIDENCE})")
    chain = next(e for e in finding.evidence if e.field == "comp.chain")
    assert chain.value == (f"render {target} ← comp script {script} [exr.nuke_script={script}] ← ingredient "
                           f"{tmp_path}/elements/sky_gen_v001.png read by ReadSky.file [{GENERATIVE_STILL_EVIDENCE}]")
    assert chain.source == "comp" and warnings == []


def test_a_comp_with_only_ml_assisted_nodes_is_reported_as_ml_assisted(tmp_path: Path) -> None:
    plate(tmp_path / "plates" / "sh020_plate.####.exr")
    script = write_script(tmp_path / "comp" / "sh020_comp.nk", read("ReadPlate", "../plates/sh020_plate.####.exr"),
                          node("CopyCat", "CopyCat_roto", dataDirectory="/train/sh020"),
                          node("Inference", "Inference_roto", modelFile="/train/sh020/Training_20000.cat"),
                          node("Upscale", "Upscale1"))
    target = render(tmp_path / "renders" / "sh020.####.exr", script)
    findings, _ = check(cut(tmp_path / "cut.otio", ("SH020", target)), tmp_path)
    assert [(f.rule, f.category, f.severity, f.requires) for f in findings] == [
        ("comp.ml_assisted", "ml_assisted", "info", [])]
    assert findings[0].message == ("comp uses ML-assisted nodes: sh020.####.exr ← sh020_comp.nk ← "
                                   "CopyCat_roto (Nuke CopyCat (ML training))")


def test_a_clean_comp_leaves_the_render_clean(tmp_path: Path) -> None:
    plate(tmp_path / "plates" / "sh030_plate.####.exr")
    script = write_script(tmp_path / "comp" / "sh030_comp.nk", read("ReadPlate", "../plates/sh030_plate.####.exr"),
                          node("Grade", "Grade1"), node("MyStudioGizmo_v3", "Look1"), node("Merge2", "Merge1"))
    target = render(tmp_path / "renders" / "sh030.####.exr", script)
    findings, warnings = check(cut(tmp_path / "cut.otio", ("SH030", target)), tmp_path)
    assert findings == [] and warnings == []


def test_a_generative_node_inside_the_comp_flags_the_render(tmp_path: Path) -> None:
    data_knob = "{22 data +HIDDEN T \"\\{\\n    'class_type': 'KSampler',\\n\\}\" +STARTLINE}"
    group = node("Group", "KSampler1", addUserKnob=data_knob) + "\n Input {\n  inputs 0\n  name latent\n }\nend_group"
    script = write_script(tmp_path / "comp" / "sh040_comp.nk", group)
    target = render(tmp_path / "renders" / "sh040.####.exr", script)
    findings, _ = check(cut(tmp_path / "cut.otio", ("SH040", target)), tmp_path)
    assert [f.rule for f in findings] == ["comp.generative_ingredient"]
    assert findings[0].message.endswith("sh040_comp.nk ← KSampler1 (diffusion sampler)")


def test_a_node_graph_named_by_a_sidecar_is_recognised(tmp_path: Path) -> None:
    workflow = tmp_path / "comfy" / "sky_workflow.json"
    workflow.parent.mkdir()
    workflow.write_bytes((DATA / "comfyui_img2img_workflow.json").read_bytes())
    still = tmp_path / "renders" / "sky_0001.png"
    still.parent.mkdir()
    Image.new("RGB", (4, 4)).save(still)  # an output stripped of its metadata
    (tmp_path / "renders" / "sky_0001.png.genflag.json").write_text(json.dumps({"workflow": str(workflow)}))
    findings, _ = check(cut(tmp_path / "cut.otio", ("SKY", str(still))), tmp_path)
    assert [(f.rule, f.category, f.tool) for f in findings] == [("comp.comfyui_workflow", "generative.image", "ComfyUI")]
    assert findings[0].message.startswith("made by a ComfyUI workflow: sky_0001.png ← sky_workflow.json ← ")
    chain = next(e for e in findings[0].evidence if e.field == "comp.chain").value
    assert f"comp script {workflow} [sidecar.workflow={workflow}]" in chain


def test_a_clip_whose_media_is_the_workflow_itself_is_recognised(tmp_path: Path) -> None:
    graph = tmp_path / "graph_v001.json"  # a neutral name: only the content may flag it
    graph.write_bytes((DATA / "comfyui_img2img_prompt.json").read_bytes())
    findings, _ = check(cut(tmp_path / "cut.otio", ("GRAPH", str(graph))), tmp_path)
    assert [f.rule for f in findings] == ["comp.comfyui_workflow"]
    chain = next(e for e in findings[0].evidence if e.field == "comp.chain").value
    assert "[the clip's media is the script]" in chain


def test_provenance_is_followed_through_an_upstream_comp(tmp_path: Path) -> None:
    sky = sky_comp(tmp_path, "sky")  # the sky precomp reads the generated still
    sky_render = render(tmp_path / "renders" / "sky_comp_v003.####.exr", sky)
    plate(tmp_path / "plates" / "sh050_plate.####.exr")
    script = write_script(tmp_path / "comp" / "sh050_comp.nk", read("ReadPlate", "../plates/sh050_plate.####.exr"),
                          read("ReadSkyPrecomp", sky_render))
    target = render(tmp_path / "renders" / "sh050.####.exr", script)
    findings, _ = check(cut(tmp_path / "cut.otio", ("SH050", target)), tmp_path)
    assert [f.rule for f in findings] == ["comp.generative_ingredient"]
    assert findings[0].message.endswith("sh050.####.exr ← sh050_comp.nk ← sky_comp_v003.####.exr ← "
                                        f"sky_comp_v003.nk ← sky_gen_v001.png ({GENERATIVE_STILL_EVIDENCE})")


def test_a_script_loaded_by_a_precomp_node_is_followed(tmp_path: Path) -> None:
    sky = sky_comp(tmp_path, "sky")
    script = write_script(tmp_path / "comp" / "sh060_comp.nk", node("Precomp", "PrecompSky", file=str(sky)))
    findings, _ = check(cut(tmp_path / "cut.otio", ("SH060", render(tmp_path / "r" / "sh060.####.exr", script))),
                        tmp_path)
    assert [f.rule for f in findings] == ["comp.generative_ingredient"]
    assert "[loaded by PrecompSky.file]" in next(e for e in findings[0].evidence if e.field == "comp.chain").value


def test_a_cycle_between_comps_ends_and_is_reported(tmp_path: Path) -> None:
    generated_still(tmp_path / "elements" / "sky_gen_v001.png")
    a_render = str(tmp_path / "renders" / "a.####.exr")
    b_render = str(tmp_path / "renders" / "b.####.exr")
    a = write_script(tmp_path / "comp" / "a.nk", read("ReadB", b_render))
    b = write_script(tmp_path / "comp" / "b.nk", read("ReadA", a_render), read("ReadSky", "../elements/sky_gen_v001.png"))
    render(Path(a_render), a)
    render(Path(b_render), b)
    started = time.perf_counter()
    findings, warnings = check(cut(tmp_path / "cut.otio", ("A", a_render), ("B", b_render)), tmp_path)
    assert time.perf_counter() - started < 10
    assert by_clip(findings) == {"A": {"comp.generative_ingredient"}, "B": {"comp.generative_ingredient"}}
    assert any(w.startswith("comp: cycle among comp scripts: ") and "a.nk" in w and "b.nk" in w for w in warnings)


def test_the_depth_bound_stops_following_and_says_where(tmp_path: Path) -> None:
    generated_still(tmp_path / "elements" / "sky_gen_v001.png")
    upstream = "../elements/sky_gen_v001.png"
    for level in range(5, 0, -1):  # level 5 reads the still, each level reads the render of the one above
        script = write_script(tmp_path / "comp" / f"l{level}.nk", read(f"Read{level}", upstream))
        upstream = render(tmp_path / "renders" / f"l{level}.####.exr", script)
    timeline = cut(tmp_path / "cut.otio", ("L1", upstream))
    findings, warnings = check(timeline, tmp_path, config={"comp": {"max_depth": 2}})
    assert findings == []
    assert any("limit reached" in w and "l3.nk: not read: more than 2 scripts upstream (comp.max_depth)" in w
               for w in warnings)
    findings, _ = check(timeline, tmp_path, config={"comp": {"max_depth": 5}})
    assert [f.rule for f in findings] == ["comp.generative_ingredient"]


@pytest.mark.slow
def test_thousands_of_ingredients_are_probed_within_the_limit(tmp_path: Path) -> None:
    elements = tmp_path / "elements"
    elements.mkdir()
    reads = []
    for index in range(3000):
        (elements / f"el_{index:04d}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        reads.append(read(f"Read{index}", f"../elements/el_{index:04d}.png"))
    generated_still(elements / "el_2999.png")  # the last one is generated: past the limit
    script = write_script(tmp_path / "comp" / "many.nk", *reads)
    target = render(tmp_path / "renders" / "many.####.exr", script)
    started = time.perf_counter()
    findings, warnings = check(cut(tmp_path / "cut.otio", ("MANY", target)), tmp_path,
                               config={"comp": {"max_ingredients": 500}})
    assert time.perf_counter() - started < 30
    assert findings == []
    assert any("2500 ingredient(s) not probed" in w for w in warnings)
    findings, _ = check(cut(tmp_path / "cut.otio", ("MANY", target)), tmp_path)  # default: 1000 ingredients
    assert findings == []


def test_a_script_that_is_not_a_comp_gives_a_finding_naming_it_and_the_rest_is_checked(tmp_path: Path) -> None:
    bogus = tmp_path / "comp" / "notes.nk"
    bogus.parent.mkdir()
    bogus.write_text("not a script at all\n", encoding="utf-8")
    good = sky_comp(tmp_path)
    findings, warnings = check(cut(tmp_path / "cut.otio",
                                   ("BAD", render(tmp_path / "r" / "bad.####.exr", bogus)),
                                   ("GOOD", render(tmp_path / "r" / "good.####.exr", good))), tmp_path)
    assert by_clip(findings) == {"BAD": {"comp.script.unreadable"}, "GOOD": {"comp.generative_ingredient"}}
    bad = next(f for f in findings if f.clip == "BAD")
    assert bad.message == "comp script not read: notes.nk: not a Nuke script (no version line, Root node or Nuke header)"
    assert next(e for e in bad.evidence if e.field == "comp.script_state").value == "unreadable"
    assert bad.category == "provenance.integrity" and bad.severity == "info"
    assert warnings == [f"comp: could not be read: {bogus}: not a Nuke script (no version line, Root node or "
                        "Nuke header)"]


def test_a_script_problem_is_warned_once_per_timeline_across_batches(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from genflag.check import checker as checker_module
    monkeypatch.setattr(checker_module, "BATCH_CLIPS", 2)  # batches (A, B) and (A)
    targets = {}
    for name in ("a", "b"):
        bogus = tmp_path / "comp" / f"{name}.nk"
        bogus.parent.mkdir(exist_ok=True)
        bogus.write_text("not a script at all\n", encoding="utf-8")
        targets[name] = render(tmp_path / "r" / f"{name}.####.exr", bogus)
    findings, warnings = check(cut(tmp_path / "cut.otio", ("A1", targets["a"]), ("B1", targets["b"]),
                                   ("A2", targets["a"])), tmp_path)
    assert by_clip(findings) == {name: {"comp.script.unreadable"} for name in ("A1", "B1", "A2")}
    assert [w for w in warnings if w.startswith("comp: ")] == [
        f"comp: could not be read: {tmp_path / 'comp' / 'a.nk'}: not a Nuke script (no version line, Root node or "
        "Nuke header) (and 1 more)"]


def test_a_missing_script_is_a_fact_and_a_rule_off_by_default(tmp_path: Path, write_rules: Any) -> None:
    target = render(tmp_path / "r" / "gone.####.exr", "/nowhere/comp/gone.nk")
    timeline = cut(tmp_path / "cut.otio", ("GONE", target))
    findings, warnings = check(timeline, tmp_path)
    assert findings == [] and warnings == []
    rules = write_rules("genflag_rules: 1\noverrides:\n  - {id: comp.script.missing, enabled: true}\n")
    findings, _ = check(timeline, tmp_path, rules=[str(rules)])
    assert [(f.rule, f.message) for f in findings] == [("comp.script.missing", "comp script missing: /nowhere/comp/gone.nk")]


def test_the_script_is_found_by_the_studio_folder_convention(tmp_path: Path) -> None:
    script = sky_comp(tmp_path, "sh070")
    target = render(tmp_path / "renders" / "sh070_comp_v003" / "sh070_comp_v003.####.exr", None)
    config = {"comp": {"conventions": [{"render": r"^(?P<root>.*)/renders/(?P<version>[^/]+)/",
                                        "script": "{root}/comp/{version}.nk"}]}}
    findings, _ = check(cut(tmp_path / "cut.otio", ("SH070", target)), tmp_path, config=config)
    assert [f.rule for f in findings] == ["comp.generative_ingredient"]
    chain = next(e for e in findings[0].evidence if e.field == "comp.chain").value
    assert f"comp script {script} [folder convention comp.conventions[0]]" in chain


def test_the_script_is_found_from_the_asset_manager_and_configured_facts(tmp_path: Path) -> None:
    from genflag.comp.settings import settings_from
    from genflag.comp.trace_collector import clip_script
    from genflag.facts.view import Facts
    from genflag.timeline.walk import iter_clip_places
    timeline = otio.adapters.read_from_file(cut(tmp_path / "cut.otio", ("A", "/r/a.exr"), ("B", "/r/b.exr")))
    places = list(iter_clip_places(timeline))
    places[0].facts = Facts(places[0], {"media.path": "/r/a.exr", "asset.provenance.comp_script": "/c/a.nk"})
    places[1].facts = Facts(places[1], {"media.path": "/r/b.exr", "exr.studio_comp": "../c/b_v2"})
    settings = settings_from({"comp": {"script_facts": ["exr.studio_comp"]}})
    assert clip_script(places[0], settings).path == "/c/a.nk"  # type: ignore[union-attr]
    assert clip_script(places[0], settings).found_by == "asset.provenance.comp_script=/c/a.nk"  # type: ignore[union-attr]
    assert clip_script(places[1], settings).path == "/c/b_v2"  # type: ignore[union-attr]


def test_no_probe_or_a_disabled_collector_does_no_comp_work(tmp_path: Path) -> None:
    target = render(tmp_path / "renders" / "sh010.####.exr", sky_comp(tmp_path))
    timeline = cut(tmp_path / "cut.otio", ("SH010", target))
    run = Checker(CheckOptions(probe_media=False)).check_paths([timeline])
    assert run.findings == []
    findings, _ = check(timeline, tmp_path, config={"comp": {"enabled": False}})
    assert findings == []


def test_annotate_puts_the_chain_in_the_marker_and_the_clip_record(tmp_path: Path, run_cli: Any) -> None:
    target = render(tmp_path / "renders" / "sh010_comp_v003.####.exr", sky_comp(tmp_path))
    timeline = cut(tmp_path / "cut.otio", ("SH010", target))
    out = tmp_path / "flagged.otio"
    result = run_cli("annotate", timeline, "-o", out, "--cache-dir", tmp_path / "cache")
    assert result.code == 0, result.err
    clip = otio.adapters.read_from_file(str(out)).find_clips()[0]
    marker = next(m for m in clip.markers if m.name == "[genflag] comp.generative_ingredient")
    assert "sh010_comp_v003.nk ← sky_gen_v001.png (png.generator=ComfyUI)" in marker.comment
    evidence = clip.metadata["genflag"]["findings"][0]["evidence"]
    assert any(e["field"] == "comp.chain" and "read by ReadSky.file" in e["value"] for e in evidence)


def test_text_json_and_report_outputs_show_the_chain(tmp_path: Path, run_cli: Any) -> None:
    target = render(tmp_path / "renders" / "sh010_comp_v003.####.exr", sky_comp(tmp_path))
    timeline = cut(tmp_path / "cut.otio", ("SH010", target))
    text = run_cli("check", timeline, "--cache-dir", tmp_path / "cache")
    assert "SH010: composite with generative ingredients: sh010_comp_v003.####.exr ← sh010_comp_v003.nk ← " \
           "sky_gen_v001.png (png.generator=ComfyUI) (comp.generative_ingredient; metadata)" in text.out
    document = json.loads(run_cli("check", timeline, "--format", "json", "--cache-dir", tmp_path / "cache").out)
    assert "read by ReadSky.file" in document["findings"][0]["evidence"][0]["value"]
    for name in ("report.csv", "report.html"):
        report = tmp_path / name
        assert run_cli("report", timeline, "-o", report, "--cache-dir", tmp_path / "cache").code in (0, 1)
        assert "sky_gen_v001.png (png.generator=ComfyUI)" in report.read_text(encoding="utf-8"), name


def test_genflag_probe_lists_a_scripts_ingredients_node_classes_and_verdict(tmp_path: Path, run_cli: Any) -> None:
    script = sky_comp(tmp_path)
    result = run_cli("probe", script, "--cache-dir", tmp_path / "cache", "--format", "json")
    assert result.code == 0, result.err
    facts = json.loads(result.out)["media"][0]["facts"]
    assert facts["comp.kind"] == "nuke" and facts["comp.version"] == "15.1 v3"
    assert facts["comp.ingredients"] == [f"{tmp_path}/plates/sh010_plate.####.exr", f"{tmp_path}/elements/sky_gen_v001.png"]
    assert facts["comp.nodes.other"] == ["Read", "Merge2", "Write"] and facts["comp.class"] == "other"
    assert facts["comp.verdict"] == "generative"
    assert facts["comp.generative_ingredients"] == [f"{tmp_path}/elements/sky_gen_v001.png"]
    assert facts["comp.chain_summary"] == "sh010_comp_v003.nk ← sky_gen_v001.png (png.generator=ComfyUI)"


def test_genflag_probe_reads_a_comfyui_workflow(tmp_path: Path, run_cli: Any) -> None:
    result = run_cli("probe", DATA / "comfyui_img2img_workflow.json", "--no-cache")
    assert result.code == 0, result.err
    assert "  comp.kind: comfyui\n" in result.out and "  comp.verdict: generative\n" in result.out
    assert '  comp.nodes.generative: ["CheckpointLoader", "KSampler"]' in result.out
    assert "  comp.models: " in result.out and "v1-5-pruned-emaonly.ckpt" in result.out


def test_genflag_probe_says_why_a_script_cannot_be_read(tmp_path: Path, run_cli: Any) -> None:
    bogus = tmp_path / "broken.nk"
    bogus.write_text("version 15.1 v3\nRead {\n file /a.exr\n", encoding="utf-8")
    result = run_cli("probe", bogus, "--no-cache")
    assert result.code == 0
    assert f"  comp.error: {bogus}: unbalanced '{{' opened at line 2\n" in result.out


def test_an_edl_keeps_the_chain_in_ascii(tmp_path: Path, run_cli: Any) -> None:
    target = render(tmp_path / "renders" / "sh010_comp_v003.####.exr", sky_comp(tmp_path))
    out = tmp_path / "flagged.edl"
    assert run_cli("annotate", cut(tmp_path / "cut.otio", ("SH010", target)), "-o", out,
                   "--cache-dir", tmp_path / "cache").code == 0
    text = out.read_text(encoding="ascii")
    assert "sh010_comp_v003.####.exr <- sh010_comp_v003.nk <- sky_gen_v001.png (png.generator=ComfyUI)" in text


def test_a_fifo_named_as_the_script_is_never_opened(tmp_path: Path) -> None:
    import os
    fifo = tmp_path / "comp" / "trap.nk"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    started = time.perf_counter()
    found, _ = check(cut(tmp_path / "cut.otio", ("TRAP", render(tmp_path / "r" / "trap.####.exr", fifo))), tmp_path)
    assert time.perf_counter() - started < 10
    assert [(f.rule, f.message) for f in found] == [("comp.script.unreadable",
                                                     "comp script not read: trap.nk: not a regular file (FIFO)")]
