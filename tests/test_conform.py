"""A generated still is flagged whatever container it was conformed into, when the container's evidence says so."""

from __future__ import annotations

import struct
from pathlib import Path

from genflag.check.checker import Checker, CheckOptions
from genflag.findings import Finding
from tests.comp_fixtures import cut, generated_still, node, plate, read, render, write_script

XMP_PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="{tool}"/>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def movie(path: Path, creator_tool: str) -> str:
    """A QuickTime file (ftyp box, then an XMP packet in a uuid box) whose XMP names the tool."""
    packet = XMP_PACKET.format(tool=creator_tool).encode("utf-8")
    ftyp = struct.pack(">I", 20) + b"ftypqt  " + b"\x00\x00\x02\x00" + b"qt  "
    uuid_box = struct.pack(">I", 8 + 16 + len(packet)) + b"uuid" + bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC") + packet
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ftyp + uuid_box + struct.pack(">I", 8) + b"mdat")
    return str(path)


def findings(timeline: str, tmp_path: Path) -> list[Finding]:
    run = Checker(CheckOptions(cache_dir=str(tmp_path / "cache"))).check_paths([timeline])
    assert run.errors == []
    return run.findings


def test_a_movie_whose_xmp_names_an_image_generator_is_a_conformed_still(tmp_path: Path) -> None:
    target = movie(tmp_path / "conform" / "SH030_matte_v002.mov", "Stable Diffusion XL 1.0 (ComfyUI)")
    found = findings(cut(tmp_path / "cut.otio", ("SH030", target)), tmp_path)
    assert ("genai.image.conformed_to_video", "generative.image") in {(f.rule, f.category) for f in found}
    assert not any(f.rule == "genai.image.stable_diffusion" for f in found)  # the image rule still skips movies


def test_a_movie_made_by_an_ordinary_editor_is_not_a_conformed_still(tmp_path: Path) -> None:
    target = movie(tmp_path / "conform" / "SH030_plate_v002.mov", "Adobe Premiere Pro 2025.0 (Macintosh)")
    assert findings(cut(tmp_path / "cut.otio", ("SH030", target)), tmp_path) == []


def test_a_comp_that_only_conforms_a_generated_still_flags_the_render_as_that_still(tmp_path: Path) -> None:
    still = generated_still(tmp_path / "art" / "SH040_sky_gen.png")
    script = write_script(tmp_path / "comp" / "SH040_conform.nk", read("ReadStill", still),
                          node("Reformat", "Reformat1", format="HD_1080"))
    target = render(tmp_path / "renders" / "SH040_hold.####.exr", script)
    found = findings(cut(tmp_path / "cut.otio", ("SH040", target)), tmp_path)
    assert [(f.rule, f.category) for f in found] == [("genai.image.conformed_to_video", "generative.image")]
    evidence = {e.field: e.value for e in found[0].evidence}
    assert evidence["comp.conform_of"] == still


def test_a_comp_that_composites_the_still_with_a_plate_stays_a_composite(tmp_path: Path) -> None:
    still = generated_still(tmp_path / "art" / "SH050_sky_gen.png")
    backplate = plate(tmp_path / "plates" / "SH050_plate.####.exr")
    script = write_script(tmp_path / "comp" / "SH050_comp.nk", read("ReadStill", still), read("ReadPlate", backplate),
                          node("Merge2", "Merge1", inputs=2))
    target = render(tmp_path / "renders" / "SH050.####.exr", script)
    assert [f.rule for f in findings(cut(tmp_path / "cut.otio", ("SH050", target)), tmp_path)] == [
        "comp.generative_ingredient"]
