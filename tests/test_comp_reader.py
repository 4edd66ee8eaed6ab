"""Reading comp scripts without running them: Nuke .nk text, ComfyUI graphs, and the node catalogue."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from genflag.comp import nuke_script
from genflag.comp.comfy_workflow import parse_comfy_data, read_comfy_workflow
from genflag.comp.model import COMFYUI, MEDIA, MODEL, NUKE, SCRIPT, CompScriptError
from genflag.comp.node_catalogue import GENERATIVE, ML_ASSISTED, OTHER, classify, model_category
from genflag.comp.nuke_script import parse_nuke_text, read_nuke_script
from genflag.comp.script_facts import script_facts
from tests.comp_fixtures import DATA, node, read
from tests.comp_fixtures import nuke_script as nk_text


def _parse(tmp_path: Path, *nodes: str):
    path = tmp_path / "comp" / "sh010_comp_v003.nk"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nk_text(*nodes), encoding="utf-8")
    return read_nuke_script(str(path)), path


def test_a_nuke_script_lists_its_reads_models_outputs_and_node_classes(tmp_path: Path) -> None:
    script, _ = _parse(tmp_path,
                       read("ReadPlate", "/show/plates/sh010_plate.####.exr"),
                       node("Grade", "Grade1", white=1.2),
                       node("Inference", "Inference1", modelFile="/models/rife.cat"),
                       node("Precomp", "Precomp1", file="/show/comp/sky_precomp.nk"),
                       node("Write", "Write1", file="/show/renders/sh010.####.exr"))
    assert script.kind == NUKE and script.version == "15.1 v3"
    assert [(n.cls, n.name) for n in script.nodes] == [("Read", "ReadPlate"), ("Grade", "Grade1"),
                                                       ("Inference", "Inference1"), ("Precomp", "Precomp1"),
                                                       ("Write", "Write1")]
    assert [(f.path, f.node, f.kind) for f in script.files] == [
        ("/show/plates/sh010_plate.####.exr", "ReadPlate", MEDIA), ("/models/rife.cat", "Inference1", MODEL),
        ("/show/comp/sky_precomp.nk", "Precomp1", SCRIPT)]
    assert script.writes == ["/show/renders/sh010.####.exr"]


def test_disabled_nodes_neither_read_nor_count(tmp_path: Path) -> None:
    script, _ = _parse(tmp_path, node("Read", "ReadOld", file="/show/old.png", disable="true"),
                       node("CopyCat", "CopyCat1", disable="true"), read("ReadPlate", "/show/plate.exr"))
    assert [n.name for n in script.nodes] == ["ReadPlate"]
    assert [f.path for f in script.files] == ["/show/plate.exr"]


def test_known_path_idioms_are_substituted_and_other_expressions_left_unresolved(tmp_path: Path) -> None:
    script, path = _parse(tmp_path,
                          read("ReadRel", "[file dirname [value root.name]]/../elements/sky.png"),
                          read("ReadPy", "[python {nuke.script_directory()}]/matte.exr"),
                          read("ReadStem", "/renders/[file rootname [file tail [value root.name]]].####.exr"),
                          read("ReadEnv", "[getenv SHOW_ROOT]/plate.exr"),
                          read("ReadExpr", "/plates/[string range [value name] 0 3].exr"))
    folder = str(path.parent)
    assert [f.path for f in script.files] == [f"{folder}/../elements/sky.png", f"{folder}/matte.exr",
                                              "/renders/sh010_comp_v003.####.exr"]
    assert script.unresolved_count == 2
    assert script.unresolved[0] == "ReadEnv.file: [getenv SHOW_ROOT]/plate.exr"


def test_relative_paths_resolve_against_the_project_directory_when_the_root_sets_one(tmp_path: Path) -> None:
    text = nk_text(read("ReadRel", "elements/sky.png")).replace(
        "Root {\n inputs 0", 'Root {\n inputs 0\n project_directory "/show/sh010"')
    path = tmp_path / "a.nk"
    path.write_text(text, encoding="utf-8")
    facts = script_facts(read_nuke_script(str(path)), str(path))
    assert facts["comp.ingredients"] == ["/show/sh010/elements/sky.png"]


def test_a_comfyui_node_wrapped_in_a_nuke_group_is_listed_as_a_comfyui_node(tmp_path: Path) -> None:
    data_knob = "{22 data +HIDDEN T \"\\{\\n    'class_type': 'KSampler',\\n    'outputs': \\['latent']\\n\\}\" +STARTLINE}"
    group = node("Group", "KSampler1", addUserKnob=data_knob) + "\n Input {\n  inputs 0\n  name latent\n }\nend_group"
    script, _ = _parse(tmp_path, group)
    assert (("KSampler", "KSampler1", COMFYUI) in [(n.cls, n.name, n.family) for n in script.nodes])


def test_clones_take_the_class_of_the_node_they_clone(tmp_path: Path) -> None:
    script, _ = _parse(tmp_path, "clone node7f3a2c10|CopyCat|4242 {\n xpos 10\n}")
    assert [n.cls for n in script.nodes] == ["CopyCat"]


def test_the_real_comfyui_prompt_and_workflow_are_read_as_graphs() -> None:
    for name in ("comfyui_img2img_prompt.json", "comfyui_img2img_workflow.json"):
        script = read_comfy_workflow(str(DATA / name))
        assert script.kind == COMFYUI
        assert {"KSampler", "CheckpointLoader", "LoadImage", "SaveImage"} <= {n.cls for n in script.nodes}
        assert [(f.path, f.kind) for f in script.files] == [("v1-5-pruned-emaonly.ckpt", MODEL),
                                                            ("example.png", MEDIA)] or \
            sorted((f.path, f.kind) for f in script.files) == [("example.png", MEDIA),
                                                               ("v1-5-pruned-emaonly.ckpt", MODEL)]
    facts = script_facts(read_comfy_workflow(str(DATA / "comfyui_img2img_workflow.json")),
                         str(DATA / "comfyui_img2img_workflow.json"))
    assert facts["comp.class"] == GENERATIVE and facts["comp.version"] == "0.4"
    assert "KSampler" in facts["comp.nodes.generative"] and "LoadImage" in facts["comp.nodes.other"]


def test_comfyui_subgraphs_are_read_and_bypassed_nodes_skipped() -> None:
    data = {"nodes": [{"id": 1, "type": "LoadImage", "widgets_values": ["plate.exr [input]", "image"]},
                      {"id": 2, "type": "KSampler", "mode": 4}],
            "links": [],
            "definitions": {"subgraphs": [{"nodes": [{"id": 9, "type": "RIFE VFI", "widgets_values": ["rife47.pth"]}]}]}}
    script = parse_comfy_data(data)
    assert [n.cls for n in script.nodes] == ["LoadImage", "RIFE VFI"]
    assert [(f.path, f.kind) for f in script.files] == [("plate.exr", MEDIA), ("rife47.pth", MODEL)]


@pytest.mark.parametrize("data", [{"a": 1}, [1, 2], {"nodes": "x"}, "text"])
def test_json_that_is_not_a_comfyui_graph_is_refused(data: object) -> None:
    with pytest.raises(CompScriptError, match="not a ComfyUI"):
        parse_comfy_data(data)


@pytest.mark.parametrize("cls, family, category", [
    ("CopyCat", NUKE, ML_ASSISTED), ("Inference", NUKE, ML_ASSISTED), ("Upscale", NUKE, ML_ASSISTED),
    ("Read", NUKE, OTHER), ("Merge2", NUKE, OTHER), ("MyStudioGizmo_v3", NUKE, OTHER),
    ("ComfyUIGizmo", NUKE, GENERATIVE), ("StableDiffusionTxt2Img", NUKE, GENERATIVE),
    ("OFXcom.borisfx.bcc.upremlv1_ml_v1", NUKE, ML_ASSISTED),
    ("KSampler", COMFYUI, GENERATIVE), ("KSamplerAdvanced", COMFYUI, GENERATIVE),
    ("CheckpointLoaderSimple", COMFYUI, GENERATIVE), ("RunwayImageToVideoNodeGen4", COMFYUI, GENERATIVE),
    ("ImageUpscaleWithModel", COMFYUI, ML_ASSISTED), ("RIFE VFI", COMFYUI, ML_ASSISTED),
    ("SAMModelLoader (segment anything)", COMFYUI, ML_ASSISTED), ("LoadImage", COMFYUI, OTHER),
    ("SaveImage", COMFYUI, OTHER),
])
def test_the_catalogue_classes_nodes(cls: str, family: str, category: str) -> None:
    assert classify(cls, family).category == category


def test_a_studio_class_wins_over_the_catalogue() -> None:
    assert classify("ACME_SDBridge_v2", NUKE, {"acme_sd*": GENERATIVE}).category == GENERATIVE
    assert classify("CopyCat", NUKE, {"copycat": OTHER}).category == OTHER


@pytest.mark.parametrize("model, category", [
    ("/models/sd15_inpaint.cat", GENERATIVE), ("/cattery/StableDiffusionXL.cat", GENERATIVE),
    ("/cattery/flux_fill.cat", GENERATIVE), ("/cattery/RIFE.cat", ML_ASSISTED),
    ("/cattery/DepthAnythingV2.cat", ML_ASSISTED), ("/cattery/MODNet.cat", ML_ASSISTED),
])
def test_an_inference_model_is_generative_by_its_name(model: str, category: str) -> None:
    assert model_category(model) == category


def test_an_inference_node_loading_a_generative_model_is_generative(tmp_path: Path) -> None:
    script, path = _parse(tmp_path, node("Inference", "SkyGen", modelFile="/cattery/sdxl_sky.cat"))
    facts = script_facts(script, str(path))
    assert facts["comp.class"] == GENERATIVE and facts["comp.nodes.generative"] == ["Inference"]


def test_text_that_is_not_a_nuke_script_is_refused_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "notes.nk"
    bad.write_text("Shopping list:\n- eggs\n- milk\n", encoding="utf-8")
    with pytest.raises(CompScriptError, match="not a Nuke script"):
        read_nuke_script(str(bad))
    binary = tmp_path / "image.nk"
    binary.write_bytes(GENERATED_BYTES)
    with pytest.raises(CompScriptError, match="binary"):
        read_nuke_script(str(binary))


GENERATED_BYTES = (DATA / "img2img_cropped.png").read_bytes()


@pytest.mark.parametrize("text, reason", [
    ('version 15.1 v3\nRead {\n file /a.exr\n}\nset label "unterminated\n', "unterminated quoted string at line 5"),
    ("version 15.1 v3\nRead {\n file /a.exr\n", "unbalanced '{' opened at line 2"),
    ("version 15.1 v3\n}\n", "unbalanced '}' at line 2"),
])
def test_a_malformed_script_says_what_and_where(text: str, reason: str) -> None:
    with pytest.raises(CompScriptError, match=reason):
        parse_nuke_text(text, "/c/bad.nk")


def test_a_script_over_the_size_limit_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nuke_script, "MAX_BYTES", 2048)
    path = tmp_path / "huge.nk"
    path.write_text(nk_text(*[read(f"Read{i}", f"/p/{i}.exr") for i in range(100)]), encoding="utf-8")
    with pytest.raises(CompScriptError, match="larger than"):
        read_nuke_script(str(path))


def test_deep_nesting_costs_no_recursion_and_little_time() -> None:
    depth = 200_000
    text = "version 15.1 v3\nRoto {\n curves " + "{" * depth + "x" + "}" * depth + "\n name Roto1\n}\n" + \
        'Read {\n file /p/plate.exr\n name Read1\n}\n'
    started = time.perf_counter()
    script = parse_nuke_text(text, "/c/deep.nk")
    assert time.perf_counter() - started < 2.0
    assert [n.name for n in script.nodes] == ["Roto1", "Read1"] and [f.path for f in script.files] == ["/p/plate.exr"]


def test_thousands_of_nodes_are_read_in_bounded_time_and_files_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nuke_script, "MAX_FILES", 1000)
    text = nk_text(*[read(f"Read{i}", f"/p/el_{i}.exr") for i in range(5000)])
    started = time.perf_counter()
    script = parse_nuke_text(text, "/c/many.nk")
    assert time.perf_counter() - started < 3.0
    assert len(script.nodes) == 5000 and len(script.files) == 1000
    assert script.truncated == ["more than 1000 file references: the rest not listed"]


def test_node_count_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nuke_script, "MAX_NODES", 10)
    script = parse_nuke_text(nk_text(*[node("Blur", f"Blur{i}") for i in range(50)]), "/c/many.nk")
    assert len(script.nodes) == 10 and script.truncated == ["more than 10 nodes: the rest not read"]


def test_nothing_in_a_script_is_executed(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    payload = f"[python {{open({str(canary)!r}, 'w').write('x')}}]"
    text = nk_text(
        node("Read", "Read1", file=payload + "/plate.exr", onCreate=f"open({str(canary)!r}, 'w')",
             knobChanged=f"__import__('os').system('touch {canary}')"),
        node("Group", "G1", onCreate=f"import os; os.system('touch {canary}')"))
    path = tmp_path / "evil.nk"
    path.write_text(text, encoding="utf-8")
    facts = script_facts(read_nuke_script(str(path)), str(path))
    assert not canary.exists()
    assert facts["comp.unresolved_count"] == 1 and "comp.ingredients" not in facts
    comfy = tmp_path / "evil.json"
    comfy.write_text(json.dumps({"1": {"class_type": "LoadImage", "inputs": {"image": f"{payload}.png"}}}))
    read_comfy_workflow(str(comfy))
    assert not canary.exists()


def test_the_probe_accepts_comfyui_graphs_and_nuke_scripts_only() -> None:
    from genflag.comp.probe import CompScriptProbe
    probe = CompScriptProbe()
    big_ui = b'{"last_node_id": 9, "nodes": [{"id": 1, "type": "KSampler", "widgets_values": [1]}' + b" " * 70000
    assert probe.accepts("/w/graph.json", big_ui[:65536])
    assert probe.accepts("/w/api.json", b'{"3": {"class_type": "KSampler", "inputs": {}}}')
    assert probe.accepts("/c/sh010.nk", b"")
    assert not probe.accepts("/w/package.json", b'{"name": "x", "version": "1.0.0"}')
    assert not probe.accepts("/w/sh010.exr", b"\x76\x2f\x31\x01")
