"""Real pyblish.util.publish() runs of contexts built from the examples: what passes, what fails and why."""

from __future__ import annotations

import json
from pathlib import Path

from pyblish_support import CLEAN_PLATE, COMFY_PNG, DEMO_CUT, errors, publish, ran, results

from genflag import api
from genflag_pyblish.host import GenflagValidationError


def test_a_clean_plate_passes_and_gets_reports_and_a_clean_sidecar(tmp_path: Path, shot) -> None:
    plate = shot(CLEAN_PLATE, "sh040_plate_v001.png")
    staging = tmp_path / "staging"
    staging.mkdir()
    context = publish(("plate_sh040", "plate", {"files": [str(plate)], "stagingDir": str(staging)}))
    assert errors(context) == []
    assert all(ran(context, name) for name in ("CollectGenflagInputs", "ValidateGenerativeMedia",
                                               "ExtractGenflagReport", "IntegrateGenflagSidecars"))
    report = json.loads((staging / "genflag.json").read_text(encoding="utf-8"))
    assert report["schema"] == "genflag.report" and report["total"]["findings"] == 0 and report["total"]["clips"] == 1
    assert "<html" in (staging / "genflag.html").read_text(encoding="utf-8").lower()
    sidecar = api.read_sidecar(str(plate) + ".genflag.json")
    assert sidecar["genflag"]["status"] == "clean" and "generator" not in sidecar


def test_a_comfyui_render_fails_validation_naming_the_rule_and_the_file(shot) -> None:
    render = shot(COMFY_PNG, "sh010_comp_v001.png")  # a shot name: the evidence must come from the PNG chunks
    context = publish(("render_sh010", "render", {"files": [str(render)]}))
    (error,) = errors(context)
    assert isinstance(error, GenflagValidationError)
    assert error.title == "Generative AI media"
    assert "provenance.generator.image_metadata" in error.message and "sh010_comp_v001.png" in error.message
    assert "`png.generator` = 'ComfyUI'" in error.description
    assert "written approval" in error.description  # the artist's next step
    assert not ran(context, "ExtractGenflagReport") and not ran(context, "IntegrateGenflagSidecars")
    assert not Path(str(render) + ".genflag.json").exists()


def test_an_editorial_publish_of_the_demo_cut_fails_on_its_unapproved_generative_clips() -> None:
    context = publish(("reel1", "editorial", {"path": str(DEMO_CUT)}))
    (error,) = errors(context)
    assert error.title == "Unapproved generative clips"
    assert "genai.video.runway on SH020_collapse_comp_v002 (V1@01:00:04:00)" in error.message
    assert "likeness.deaging.metaphysic" in error.message
    assert "genai.image.firefly" not in error.message  # cleared by the producer in the cut
    assert "genai.video.sora" not in error.message  # temp track: info, needs nothing
    assert "### Runway video" in error.description and "(`genai.video.runway`)" in error.description


def test_the_demo_cut_passes_once_every_generative_clip_is_reviewed(tmp_path: Path) -> None:
    import opentimelineio as otio
    cut = otio.adapters.read_from_file(str(DEMO_CUT))
    for clip in cut.find_clips():
        clip.metadata["genflag"] = {"review": {"status": "cleared", "by": "Producer", "note": "approved"}}
    reviewed = tmp_path / "reel1_reviewed.otio"
    otio.adapters.write_to_file(cut, str(reviewed))
    context = publish(("reel1", "editorial", {"path": str(reviewed)}))
    assert errors(context) == []
    assert ran(context, "ExtractGenflagReport")


def test_unreadable_files_are_reported_per_instance_and_the_publish_goes_on(tmp_path: Path, shot) -> None:
    plate = shot(CLEAN_PLATE, "sh040_plate_v001.png")
    missing, folder = tmp_path / "sh050_plate_v001.exr", tmp_path / "a_folder"
    folder.mkdir()
    context = publish(("plate_ok", "plate", {"files": [str(plate)]}),
                      ("plate_bad", "plate", {"files": [str(missing), str(folder)]}))
    by_instance = {str(r["instance"]): r for r in results(context, "ValidateGenerativeMedia")}
    assert by_instance["plate_ok"]["success"]
    error = by_instance["plate_bad"]["error"]
    assert isinstance(error, GenflagValidationError) and error.title == "Unreadable files (genflag)"
    assert f"{missing}: error: no such file" in error.message
    assert f"{folder}: error: is a folder" in error.message
    assert all(isinstance(e, GenflagValidationError) for e in errors(context))


def test_broken_studio_settings_are_a_validation_error_not_a_crash(shot) -> None:
    plate = shot(CLEAN_PLATE, "sh040_plate_v001.png")
    context = publish(("plate", "plate", {"files": [str(plate)]}), settings={"rules": ["/no/such/rules.yaml"]})
    (error,) = errors(context)
    assert isinstance(error, GenflagValidationError) and error.title == "genflag settings"
    assert "/no/such/rules.yaml" in error.message
    context = publish(("plate", "plate", {"files": [str(plate)]}), settings={"rulez": []})
    (error,) = errors(context)
    assert "unknown key(s) rulez" in error.message


def test_the_validator_can_be_switched_off_per_instance_and_the_sidecar_records_the_generator(shot) -> None:
    render = shot(COMFY_PNG, "sh010_comp_v001.png")
    data = {"files": [str(render)], "publish_attributes": {"ValidateGenerativeMedia": {"active": False}}}
    context = publish(("render_sh010", "render", data))
    assert errors(context) == []
    sidecar = api.read_sidecar(str(render) + ".genflag.json")
    assert sidecar["generator"] == "ComfyUI" and sidecar["digital_source_type"] == "trainedAlgorithmicMedia"
    assert sidecar["genflag"]["status"] == "flagged"
    assert "provenance.generator.image_metadata" in sidecar["genflag"]["rules"]


def test_the_sidecar_carries_the_provenance_to_a_copy_that_lost_its_metadata(tmp_path: Path, shot) -> None:
    from PIL import Image
    render = shot(COMFY_PNG, "sh010_comp_v001.png")
    publish(("render", "render", {"files": [str(render)],
                                  "publish_attributes": {"ValidateGenerativeMedia": {"active": False}}}))
    stripped = tmp_path / "delivery" / "sh010_comp_v001.png"
    stripped.parent.mkdir()
    Image.open(render).save(stripped)  # a transcode: no text chunks any more
    (stripped.parent / "sh010_comp_v001.png.genflag.json").write_bytes(Path(str(render) + ".genflag.json").read_bytes())
    assert api.check_media([str(stripped)], api.CheckSettings()).findings, "the sidecar alone flags the copy"
    (stripped.parent / "sh010_comp_v001.png.genflag.json").unlink()
    assert api.check_media([str(stripped)], api.CheckSettings()).findings == []


def test_published_files_are_stamped_not_the_sources(tmp_path: Path, shot) -> None:
    plate = shot(CLEAN_PLATE, "sh040_plate_v001.png")
    published = tmp_path / "publish" / "ep101_sh040_plate_v001.png"
    published.parent.mkdir()
    published.write_bytes(plate.read_bytes())
    data = {"files": [str(plate)], "published_representations": {"r1": {"published_files": [str(published)]}}}
    context = publish(("plate", "plate", data))
    assert errors(context) == []
    assert Path(str(published) + ".genflag.json").exists()
    assert not Path(str(plate) + ".genflag.json").exists()


def test_a_sidecar_someone_else_wrote_is_left_alone(shot) -> None:
    plate = shot(CLEAN_PLATE, "sh040_plate_v001.png")
    foreign = Path(str(plate) + ".genflag.json")
    foreign.write_text('{"generator": "vendor tool", "note": "written by the vendor"}', encoding="utf-8")
    context = publish(("plate", "plate", {"files": [str(plate)]}))
    assert json.loads(foreign.read_text(encoding="utf-8"))["note"] == "written by the vendor"
    (instance,) = list(context)
    assert instance.data["genflagSidecars"] == []


def test_frames_of_a_sequence_share_one_sidecar_the_probe_reads_for_every_frame(tmp_path: Path) -> None:
    frames = []
    for number in (1001, 1002, 1003):
        frame = tmp_path / f"sh060_bg.{number}.png"
        frame.write_bytes(CLEAN_PLATE.read_bytes())
        frames.append(str(frame))
    context = publish(("bg", "plate", {"files": frames}))
    (instance,) = list(context)
    assert instance.data["genflag"].media == [str(tmp_path / "sh060_bg.####.png")]
    assert instance.data["genflagSidecars"] == [str(tmp_path / "sh060_bg.####.png.genflag.json")]
    facts = __import__("genflag.media.probes.sidecar", fromlist=["SidecarProbe"]).SidecarProbe().probe(frames[1], b"")
    assert facts["sidecar.genflag.status"] == "clean"


def test_representations_in_the_ayon_layout_are_collected(tmp_path: Path, shot) -> None:
    plate = shot(CLEAN_PLATE, "sh040_plate_v001.png")
    data = {"representations": [{"name": "png", "ext": "png", "files": plate.name, "stagingDir": str(tmp_path)}]}
    context = publish(("plate", "plate", data))
    (instance,) = list(context)
    assert instance.data["genflag"].media == [str(plate)]
    assert errors(context) == []


def test_configured_genflag_writers_receive_the_run(shot) -> None:
    from genflag.plugins import Writer, WriterSummary
    from genflag.registry import registry

    received = []

    class RecordingWriter(Writer):
        name = "recording"

        def publish(self, run, options, dry_run=False):  # type: ignore[no-untyped-def]
            received.append((run, options))
            return WriterSummary(changed=len(run.findings))

    from genflag_pyblish.integrate import IntegrateGenflagSidecars
    registry.register("writer", "recording", lambda: RecordingWriter, origin="test")
    plugin = type("IntegrateWithWriter", (IntegrateGenflagSidecars,),
                  {"writers": ["recording"], "writer_options": {"recording": {"show": "EP101"}}})
    import genflag_pyblish
    plugins = [p for p in genflag_pyblish.plugins() if p is not IntegrateGenflagSidecars] + [plugin]
    render = shot(COMFY_PNG, "sh010_comp_v001.png")
    publish(("render", "render", {"files": [str(render)],
                                  "publish_attributes": {"ValidateGenerativeMedia": {"active": False}}}),
            plugins=plugins)
    ((run, options),) = received
    assert options == {"show": "EP101"}
    assert {f.rule for f in run.findings} >= {"provenance.generator.image_metadata"}
