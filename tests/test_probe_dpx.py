"""DPX probe: text fields of the fixed-layout header."""

from __future__ import annotations

from pathlib import Path

from genflag.media.probes.dpx import FIELDS, DpxProbe


def dpx(tmp_path: Path, fields: dict[str, str], magic: bytes = b"SDPX") -> Path:
    header = bytearray(b"\x00" * 2080)
    header[:4] = magic
    header[1556:1588] = b"\xff" * 32  # undefined input device
    for name, text in fields.items():
        offset, length = FIELDS[name]
        header[offset:offset + length] = text.encode().ljust(length, b"\x00")[:length]
    path = tmp_path / "scan.0001.dpx"
    path.write_bytes(bytes(header) + b"\x00" * 4096)
    return path


def test_when_dpx_header_has_text_then_facts(tmp_path: Path) -> None:
    path = dpx(tmp_path, {"creator": "Topaz Video AI 5", "project": "SHOW", "slate": "sc12 tk3\x07"})
    facts = DpxProbe().probe(str(path), path.read_bytes()[:64])
    assert facts == {"dpx.creator": "Topaz Video AI 5", "dpx.project": "SHOW", "dpx.slate": "sc12 tk3"}


def test_when_little_endian_magic_then_accepted(tmp_path: Path) -> None:
    path = dpx(tmp_path, {"version": "V2.0"}, magic=b"XPDS")
    assert DpxProbe().accepts(str(path), path.read_bytes()[:4])
    assert DpxProbe().probe(str(path), b"")["dpx.version"] == "V2.0"


def test_when_header_is_truncated_then_present_fields_only(tmp_path: Path) -> None:
    path = tmp_path / "short.dpx"
    path.write_bytes(b"SDPX" + b"\x00" * 156 + b"Nuke".ljust(100, b"\x00"))
    assert DpxProbe().probe(str(path), b"SDPX") == {"dpx.creator": "Nuke"}
