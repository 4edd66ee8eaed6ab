"""EXIF and XMP probes: generator text in UserComment, Software, IPTC source type in XMP, hostile XML."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from genflag.media.probes.exif import ExifProbe, decode_user_comment
from genflag.media.probes.xmp import XmpProbe, xmp_facts

A1111 = "a duck\nNegative prompt: none\nSteps: 15, Sampler: UniPC, Model: realisticVision_v20"


def xmp_packet(body: str) -> bytes:
    return f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
  {body}
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>""".encode()


def run(probe: object, path: Path) -> dict:
    head = path.read_bytes()[:4096]
    assert probe.accepts(str(path), head)
    return probe.probe(str(path), head)


def jpeg_with_exif(path: Path, user_comment: bytes | None = None, software: str | None = None, xmp: bytes | None = None) -> Path:
    exif = Image.Exif()
    if software:
        exif[0x0131] = software
    if user_comment is not None:
        exif.get_ifd(0x8769)[0x9286] = user_comment
    options = {"exif": exif.tobytes()}
    if xmp:
        options["xmp"] = xmp
    Image.new("RGB", (8, 8)).save(path, "JPEG", **options)
    return path


def test_when_user_comment_holds_a1111_parameters_in_utf16_then_generator_found(tmp_path: Path) -> None:
    path = jpeg_with_exif(tmp_path / "a.jpg", b"UNICODE\x00" + A1111.encode("utf-16-be"), software="sd-webui")
    facts = run(ExifProbe(), path)
    assert facts["exif.software"] == "sd-webui"
    assert facts["exif.user_comment"].startswith("a duck")
    assert (facts["exif.generator"], facts["exif.model"], facts["exif.prompt"]) == ("Automatic1111", "realisticVision_v20", "a duck")


def test_when_user_comment_is_camera_text_then_no_generator(tmp_path: Path) -> None:
    facts = run(ExifProbe(), jpeg_with_exif(tmp_path / "cam.jpg", b"ASCII\x00\x00\x00Shot on set", software="Firmware 1.2"))
    assert facts["exif.user_comment"] == "Shot on set" and "exif.generator" not in facts


@pytest.mark.parametrize("raw, text", [
    (b"ASCII\x00\x00\x00hello", "hello"),
    (b"UNICODE\x00" + "héllo".encode("utf-16-le"), "héllo"),
    (b"UNICODE\x00" + "héllo".encode("utf-16-be"), "héllo"),
    (b"\x00" * 8 + b"plain", "plain"),
    (b"", None),
])
def test_when_user_comment_has_charset_header_then_decoded(raw: bytes, text: str | None) -> None:
    assert decode_user_comment(raw) == text


def test_when_jpeg_has_xmp_source_type_with_whitespace_then_normalised_later(tmp_path: Path) -> None:
    body = ('xmp:CreatorTool="Firefly"><Iptc4xmpExt:DigitalSourceType> '
            'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>'
            '<Iptc4xmpExt:AISystemUsed>Imagen 3</Iptc4xmpExt:AISystemUsed>'
            '<xmpMM:History><rdf:Seq><rdf:li stEvt:action="created" stEvt:softwareAgent="Firefly 3"/></rdf:Seq>'
            '</xmpMM:History></rdf:Description>')
    facts = run(XmpProbe(), jpeg_with_exif(tmp_path / "x.jpg", xmp=xmp_packet(body)))
    assert facts["xmp.creator_tool"] == "Firefly"
    assert facts["xmp.digital_source_type"].strip().endswith("/trainedAlgorithmicMedia")
    assert facts["xmp.ai_system"] == "Imagen 3"
    assert facts["xmp.history.software_agent"] == "Firefly 3"
    assert facts["xmp.history.action"] == "created"


def test_when_xmp_uses_rdf_resource_then_value_read() -> None:
    body = '><Iptc4xmpExt:DigitalSourceType rdf:resource="digitalsourcetype:algorithmicMedia"/></rdf:Description>'
    assert xmp_facts(xmp_packet(body))["xmp.digital_source_type"] == "digitalsourcetype:algorithmicMedia"


def test_when_xmp_declares_entities_then_refused_quickly() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&d;</x:xmpmeta>')
    assert xmp_facts(bomb) == {"xmp.error": "malformed or refused XMP packet"}


def test_when_xmp_is_malformed_then_error_fact() -> None:
    assert "xmp.error" in xmp_facts(b"<x:xmpmeta><rdf:RDF></x:xmpmeta>")


def test_when_pdf_carries_xmp_then_found_by_bounded_scan(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 5000 + xmp_packet('xmp:CreatorTool="Adobe Express"/>') + b"\n%%EOF")
    assert run(XmpProbe(), path)["xmp.creator_tool"] == "Adobe Express"


def test_when_png_carries_xmp_itxt_then_read_from_chunk(tmp_path: Path) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_packet('xmp:CreatorTool="Krita"/>').decode())
    path = tmp_path / "x.png"
    Image.new("RGB", (2, 2)).save(path, pnginfo=info)
    assert run(XmpProbe(), path)["xmp.creator_tool"] == "Krita"


def test_when_exif_block_is_garbage_then_no_crash(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG", exif=b"Exif\x00\x00MM\x00*\xff\xff\xff\xff garbage")
    path = tmp_path / "bad.jpg"
    path.write_bytes(buf.getvalue())
    assert run(ExifProbe(), path) == {}
