"""C2PA probe: own signed fixtures, sidecars, manifest-store facts, the vendored corpus, no network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from genflag.media.probe_runner import ProbeRunner, RunnerOptions
from genflag.media.probes.c2pa_manifest import store_facts
from genflag.media.probes.c2pa_probe import C2paProbe
from tests.probe_fixtures import corpus, exr_file, exr_string, manifest, sign, tiny_jpeg

GENERATOR_FACTS = ("png.generator", "exif.generator")


def probe(path: Path) -> dict:
    head = path.read_bytes()[:4096]
    p = C2paProbe()
    assert p.accepts(str(path), head)
    return p.probe(str(path), head)


def run_files(*paths: Path) -> dict[str, dict]:
    runner = ProbeRunner(RunnerOptions(use_cache=False, jobs=2))
    return runner.probe_files([str(p) for p in paths])


@pytest.fixture(scope="module")
def signed_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    signed, _ = sign(tiny_jpeg(), manifest("trainedAlgorithmicMedia", "TestDiffusion 2"))
    path = tmp_path_factory.mktemp("c2pa") / "signed.jpg"
    path.write_bytes(signed)
    return path


def test_when_jpeg_signed_with_trained_algorithmic_media_then_probe_reads_it_back(signed_jpeg: Path) -> None:
    facts = probe(signed_jpeg)
    assert facts["c2pa.present"] is True
    assert facts["c2pa.manifest_location"] == "embedded"
    assert facts["c2pa.actions.action"] == ["c2pa.created"]
    assert facts["c2pa.actions.digital_source_type"] == ["trainedAlgorithmicMedia"]
    assert facts["c2pa.actions.software_agent"] == ["TestDiffusion 2"]
    assert facts["c2pa.claim_generator_info.name"] == ["genflag-test"]
    assert facts["c2pa.signature.common_name"] == "genflag test signer"
    assert facts["c2pa.validation_state"] == "valid"
    assert facts["c2pa.signer_trusted"] is False


def test_when_signed_jpeg_runs_through_runner_then_iptc_generative(signed_jpeg: Path) -> None:
    facts = run_files(signed_jpeg)[str(signed_jpeg)]
    assert facts["iptc.digital_source_type"] == ["trainedAlgorithmicMedia"]
    assert facts["iptc.generative"] is True


def test_when_signed_pixels_are_tampered_then_validation_invalid(signed_jpeg: Path, tmp_path: Path) -> None:
    data = bytearray(signed_jpeg.read_bytes())
    data[-10] ^= 0xFF  # inside the entropy-coded image data, before EOI
    tampered = tmp_path / "tampered.jpg"
    tampered.write_bytes(bytes(data))
    facts = probe(tampered)
    assert facts["c2pa.validation_state"] == "invalid"
    assert any("mismatch" in code for code in facts["c2pa.validation_codes"])


def test_when_manifest_is_procedural_then_not_generative(tmp_path: Path) -> None:
    signed, _ = sign(tiny_jpeg(), manifest("algorithmicMedia", "Fractal Gen"))
    path = tmp_path / "procedural.jpg"
    path.write_bytes(signed)
    facts = run_files(path)[str(path)]
    assert facts["iptc.digital_source_type"] == ["algorithmicMedia"]
    assert facts["iptc.generative"] is False


def test_when_manifest_is_in_c2pa_sidecar_then_read_as_sidecar(tmp_path: Path) -> None:
    asset = tiny_jpeg()
    _, store = sign(asset, manifest("compositeWithTrainedAlgorithmicMedia"), embed=False)
    (tmp_path / "plate.jpg").write_bytes(asset)
    (tmp_path / "plate.c2pa").write_bytes(store)
    facts = probe(tmp_path / "plate.jpg")
    assert facts["c2pa.manifest_location"] == "sidecar"
    assert facts["c2pa.sidecar"] == str(tmp_path / "plate.c2pa")
    assert facts["c2pa.actions.digital_source_type"] == ["compositeWithTrainedAlgorithmicMedia"]
    assert facts["c2pa.validation_state"] == "valid"


def test_when_exr_has_c2pa_sidecar_then_probe_accepts_and_reports_binding(tmp_path: Path) -> None:
    _, store = sign(tiny_jpeg(), manifest("trainedAlgorithmicMedia"), embed=False)
    exr = tmp_path / "plate.exr"
    exr.write_bytes(exr_file(exr_string("owner", "studio")))
    (tmp_path / "plate.exr.c2pa").write_bytes(store)
    facts = probe(exr)
    assert facts["c2pa.present"] is True and facts["c2pa.manifest_location"] == "sidecar"
    assert facts["c2pa.actions.digital_source_type"] == ["trainedAlgorithmicMedia"]
    assert facts["c2pa.validation_state"] == "invalid"  # the manifest was made for other bytes


def test_when_jpeg_has_no_manifest_then_present_false(tmp_path: Path) -> None:
    path = tmp_path / "plain.jpg"
    path.write_bytes(tiny_jpeg())
    assert probe(path) == {"c2pa.present": False}


def test_when_jpeg_is_corrupt_then_error_fact_not_exception(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe1\xff\xff" + b"\x00" * 50)
    facts = run_files(path)[str(path)]
    assert facts["media.format"] == "jpeg"
    assert "media.unreadable" not in facts
    assert facts.get("c2pa.present") is False or "c2pa.error" in facts


def test_when_store_has_ingredient_chain_then_ingredient_facts_collected() -> None:
    store = {
        "active_manifest": "m1", "validation_state": "Invalid",
        "validation_status": [{"code": "claimSignature.mismatch"}, {"code": "signingCredential.untrusted"}],
        "manifests": {
            "m1": {"claim_generator": "Editor/1", "ingredients": [{"title": "a.jpg", "active_manifest": "m2"}],
                   "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.placed"}]}}]},
            "m2": {"claim_generator": "Gen/2", "ingredients": [{"title": "b.jpg", "active_manifest": "m1"}],
                   "assertions": [{"label": "com.adobe.generative-ai", "data": {}},
                                  {"label": "c2pa.actions__1", "data": {"actions": [
                                      {"action": "c2pa.created", "softwareAgent": "Gen",
                                       "digitalSourceType": " trainedAlgorithmicMedia"}]}}]},
        }}
    facts = store_facts(store)
    assert facts["c2pa.claim_generator"] == "Editor/1"
    assert "c2pa.actions.digital_source_type" not in facts
    assert facts["c2pa.ingredients.digital_source_type"] == ["trainedAlgorithmicMedia"]
    assert facts["c2pa.ingredients.claim_generator"] == ["Gen/2", "Editor/1"]
    assert facts["c2pa.ingredients.ai_assertion"] == ["com.adobe.generative-ai"]
    assert facts["c2pa.ingredients.software_agent"] == ["Gen"]
    assert facts["c2pa.validation_state"] == "invalid"
    assert facts["c2pa.validation_codes"] == ["claimSignature.mismatch", "signingCredential.untrusted"]


# --- the shared corpus -------------------------------------------------------------------------

AI_FILES = {
    "c2pa-js-legacy/composite-dst.jpg": "iptc", "c2pa-js-legacy/firefly-1.jpg": "ai_assertion",
    "c2pa-js-legacy/gen-fill.jpg": "iptc", "c2pa-js-legacy/genai-actions-v2.jpg": "iptc",
    "c2pa-js-legacy/sample.pdf": "iptc", "c2pa-node/ingredient-with-data-types.jpg": "iptc",
    "c2pa-rs/ocsp.jpg": "iptc",
    "sd-parsers/AUTOMATIC1111/automatic1111_cropped.jpg": "Automatic1111",
    "sd-parsers/AUTOMATIC1111/automatic1111_cropped.png": "Automatic1111",
    "sd-parsers/AUTOMATIC1111/automatic1111_stealth.png": "Automatic1111",
    "sd-parsers/ComfyUI/img2img_cropped.png": "ComfyUI", "sd-parsers/ComfyUI/unclip_2pass_cropped.png": "ComfyUI",
    "sd-parsers/Fooocus/fooocus1_cropped.png": "Fooocus", "sd-parsers/InvokeAI/invokeai_imeta1.png": "InvokeAI",
    "sd-parsers/InvokeAI/invokeai_sdmeta1.png": "InvokeAI", "sd-parsers/NovelAI/novelai1_cropped.png": "NovelAI",
}
TRAPS = ["c2pa-rs/C.jpg", "c2pa-rs/C_with_CAWG_data.jpg", "c2pa-rs/E-sig-CA.jpg", "c2pa-rs/XCA.jpg",
         "c2pa-rs/dashinit.mp4", "c2pa-rs/cloud.jpg", "c2pa-rs/no_manifest.jpg", "c2pa-rs/CA.jpg",
         "c2pa-js-legacy/c2pa-actions-1.2.png"]


def looks_generative(facts: dict) -> bool:
    """The test's notion of 'flagged': an IPTC generative type, an AI assertion or a named generator."""
    return bool(facts.get("iptc.generative") or facts.get("c2pa.ai_assertion")
                or facts.get("c2pa.ingredients.ai_assertion") or any(facts.get(k) for k in GENERATOR_FACTS))


@pytest.fixture(scope="module")
def corpus_facts() -> dict[str, dict]:
    root = corpus()
    names = list(AI_FILES) + TRAPS
    results = run_files(*(root / n for n in names))
    return {n: results[str(root / n)] for n in names}


@pytest.mark.parametrize("name", list(AI_FILES))
def test_when_corpus_file_is_ai_then_flagged_with_right_category(corpus_facts: dict, name: str) -> None:
    facts, expected = corpus_facts[name], AI_FILES[name]
    assert looks_generative(facts), facts
    if expected == "iptc":
        assert facts["iptc.generative"] is True
        assert set(facts["iptc.source_class"]) >= {"generative"}
    elif expected == "ai_assertion":
        assert facts["c2pa.ai_assertion"] == ["com.adobe.generative-ai"]
    else:
        assert (facts.get("png.generator") or facts.get("exif.generator")) == expected
        assert facts.get("png.prompt") or facts.get("exif.prompt")


@pytest.mark.parametrize("name", TRAPS)
def test_when_corpus_file_is_a_trap_then_not_generative(corpus_facts: dict, name: str) -> None:
    assert not looks_generative(corpus_facts[name]), corpus_facts[name]


def test_when_algorithmic_media_trap_then_procedural(corpus_facts: dict) -> None:
    facts = corpus_facts["c2pa-rs/C.jpg"]
    assert facts["iptc.digital_source_type"] == ["algorithmicMedia"] and facts["iptc.source_class"] == ["procedural"]


def test_when_digital_capture_has_leading_space_then_normalised_capture(corpus_facts: dict) -> None:
    facts = corpus_facts["c2pa-rs/C_with_CAWG_data.jpg"]
    assert facts["c2pa.actions.digital_source_type"] == ["digitalCapture"]
    assert facts["iptc.source_class"] == ["capture"]


@pytest.mark.parametrize("name, code", [("c2pa-rs/E-sig-CA.jpg", "claimSignature.mismatch"),
                                        ("c2pa-rs/XCA.jpg", "assertion.dataHash.mismatch"),
                                        ("c2pa-rs/dashinit.mp4", "assertion.bmffHash.mismatch")])
def test_when_signature_or_hash_broken_then_invalid_with_code(corpus_facts: dict, name: str, code: str) -> None:
    assert corpus_facts[name]["c2pa.validation_state"] == "invalid"
    assert code in corpus_facts[name]["c2pa.validation_codes"]


def test_when_manifest_is_remote_only_then_reported_not_fetched(corpus_facts: dict) -> None:
    facts = corpus_facts["c2pa-rs/cloud.jpg"]
    assert facts["c2pa.present"] is False and facts["c2pa.manifest_location"] == "remote"
    assert facts["c2pa.remote_manifest"].startswith("https://cai-manifests.adobe.com/manifests/")


def test_when_manifest_was_stripped_then_xmp_still_points_at_it(corpus_facts: dict) -> None:
    facts = corpus_facts["c2pa-rs/no_manifest.jpg"]
    assert facts["c2pa.present"] is False
    assert facts["xmp.provenance"].startswith("self#jumbf=/c2pa/")


# --- no network ----------------------------------------------------------------------------------

_CHILD = textwrap.dedent("""
    import json, sys
    import c2pa
    from genflag.media.probes.c2pa_probe import C2paProbe
    paths = sys.argv[2:]
    if sys.argv[1] == "fetch":  # control: the same SDK with fetching on must reach the proxy
        ctx = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": True, "ocsp_fetch": True}})
        for p in paths:
            try:
                c2pa.Reader(p, context=ctx)
            except Exception:
                pass
    else:
        probe = C2paProbe()
        print(json.dumps([probe.probe(p, open(p, "rb").read(4096)) for p in paths]))
""")


def _run_behind_recording_proxy(mode: str, paths: list[str]) -> tuple[list[bytes], str]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    hits: list[bytes] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except socket.timeout:
                continue
            hits.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    proxy = f"http://127.0.0.1:{server.getsockname()[1]}"
    env = {**os.environ, **{k: proxy for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY")}}
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    try:
        child = subprocess.run([sys.executable, "-c", _CHILD, mode, *paths], env=env, capture_output=True,
                               text=True, timeout=60)
        time.sleep(0.3)
    finally:
        done.set()
        thread.join()
        server.close()
    return hits, child.stdout


def test_when_probing_remote_and_ocsp_files_then_nothing_is_fetched() -> None:
    root = corpus()
    paths = [str(root / "c2pa-rs/cloud.jpg"), str(root / "c2pa-rs/ocsp.jpg")]
    control, _ = _run_behind_recording_proxy("fetch", paths)
    if not control:
        pytest.skip("the c2pa SDK did not use the proxy even with fetching on: cannot observe fetches")
    hits, out = _run_behind_recording_proxy("probe", paths)
    assert hits == []
    assert '"c2pa.manifest_location": "remote"' in out
