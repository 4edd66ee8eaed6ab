"""EXR probe: headers written byte by byte, multi-part files, hostile headers."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest

from genflag.media.probes import exr
from genflag.media.probes.exr import ExrHeaderError, ExrProbe
from tests.probe_fixtures import channels, exr_attribute, exr_file, exr_string


def write(tmp_path: Path, data: bytes, name: str = "plate.exr") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def probe(path: Path) -> dict:
    head = path.read_bytes()[:64]
    p = ExrProbe()
    assert p.accepts(str(path), head)
    return p.probe(str(path), head)


def test_when_header_has_string_attributes_then_each_is_a_fact(tmp_path: Path) -> None:
    header = (exr_attribute("channels", "chlist", channels("B", "G", "R"))
              + exr_attribute("compression", "compression", b"\x03")
              + exr_attribute("dataWindow", "box2i", struct.pack("<4i", 0, 0, 1919, 1079))
              + exr_string("software", "ComfyUI-EXR 1.2")
              + exr_string("genai/model", "flux-dev")
              + exr_attribute("framesPerSecond", "rational", struct.pack("<iI", 24, 1))
              + exr_attribute("pixelAspectRatio", "float", struct.pack("<f", 1.0))
              + exr_attribute("tools", "stringvector", struct.pack("<i", 4) + b"Nuke" + struct.pack("<i", 7) + b"Runway3"))
    facts = probe(write(tmp_path, exr_file(header)))
    assert facts["exr.software"] == "ComfyUI-EXR 1.2"
    assert facts["exr.genai_model"] == "flux-dev"
    assert facts["exr.channels"] == ["B", "G", "R"]
    assert facts["exr.compression"] == "zip"
    assert facts["exr.dataWindow"] == [0, 0, 1919, 1079]
    assert facts["exr.framesPerSecond"] == "24/1"
    assert facts["exr.pixelAspectRatio"] == 1.0
    assert facts["exr.tools"] == ["Nuke", "Runway3"]
    assert facts["exr.parts"] == 1


def test_when_file_is_multipart_then_parts_merged(tmp_path: Path) -> None:
    data = exr_file(exr_string("name", "beauty") + exr_string("owner", "fx"),
                    exr_string("name", "depth") + exr_string("owner", "fx"), flags=2 | 0x1000)
    facts = probe(write(tmp_path, data))
    assert facts["exr.parts"] == 2
    assert facts["exr.name"] == ["beauty", "depth"]
    assert facts["exr.owner"] == "fx"


def test_when_attribute_size_is_negative_then_header_error(tmp_path: Path) -> None:
    data = b"\x76\x2f\x31\x01" + struct.pack("<I", 2) + b"software\x00string\x00" + struct.pack("<i", -5)
    with pytest.raises(ExrHeaderError, match="negative size"):
        probe(write(tmp_path, data))


def test_when_name_is_unterminated_then_bounded_error(tmp_path: Path) -> None:
    data = b"\x76\x2f\x31\x01" + struct.pack("<I", 2) + b"A" * 100_000
    with pytest.raises(ExrHeaderError, match="longer than 31"):
        probe(write(tmp_path, data))


def test_when_header_is_truncated_then_header_error(tmp_path: Path) -> None:
    data = exr_file(exr_string("software", "Nuke"))[:20]
    with pytest.raises(ExrHeaderError, match="truncated"):
        probe(write(tmp_path, data))


def test_when_attributes_are_endless_then_stopped_at_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exr, "MAX_ATTRIBUTES", 50)
    data = exr_file(b"".join(exr_string(f"a{i}", "x") for i in range(60)))
    with pytest.raises(ExrHeaderError, match="more than 50 attributes"):
        probe(write(tmp_path, data))


def test_when_attribute_claims_gigabytes_then_skipped_quickly(tmp_path: Path) -> None:
    huge = b"blob\x00opaque\x00" + struct.pack("<i", 2_000_000_000)
    data = b"\x76\x2f\x31\x01" + struct.pack("<I", 2) + exr_string("software", "Nuke") + huge
    started = time.monotonic()
    with pytest.raises(ExrHeaderError, match="truncated"):
        probe(write(tmp_path, data))
    assert time.monotonic() - started < 1


def test_when_multipart_has_endless_parts_then_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exr, "MAX_PARTS", 3)
    data = exr_file(*[exr_string("name", str(i)) for i in range(5)], flags=2 | 0x1000)
    with pytest.raises(ExrHeaderError, match="more than 3 parts"):
        probe(write(tmp_path, data))


def test_when_unknown_attribute_type_then_ignored(tmp_path: Path) -> None:
    data = exr_file(exr_attribute("matrix", "m44f", b"\x00" * 64) + exr_string("software", "Houdini"))
    facts = probe(write(tmp_path, data))
    assert "exr.matrix" not in facts and facts["exr.software"] == "Houdini"


def test_when_not_exr_then_not_accepted() -> None:
    assert not ExrProbe().accepts("x.exr", b"\x89PNG\r\n\x1a\n")
