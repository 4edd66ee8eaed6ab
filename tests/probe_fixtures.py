"""Helpers that build media fixtures for the probe tests (certificates, signed JPEGs, EXR headers)."""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def corpus() -> Path:
    """Return the vendored media corpus (tests/data/corpus/media); skip, or fail under CI, when it is absent."""
    from tests.corpus import corpus_dir
    return corpus_dir("media")


def tiny_jpeg(color: tuple[int, int, int] = (200, 30, 30), **save: Any) -> bytes:
    """Return an 8x8 JPEG."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, "JPEG", **save)
    return buf.getvalue()


def cert_chain() -> tuple[bytes, bytes]:
    """Return (PEM chain leaf+CA, PEM private key) of a throwaway ES256 signer that c2pa accepts."""
    from tests.c2pa_signing import cert_chain as organisation_chain
    return organisation_chain("genflag tests", "genflag test signer")


def manifest(source_type: str | None = "trainedAlgorithmicMedia", agent: str = "TestDiffusion 2",
             extra_assertions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return a manifest definition with one c2pa.created action."""
    action: dict[str, Any] = {"action": "c2pa.created", "softwareAgent": {"name": agent}}
    if source_type:
        action["digitalSourceType"] = IPTC + source_type
    return {"claim_generator_info": [{"name": "genflag-test", "version": "1.0"}], "title": "tiny.jpg",
            "assertions": [{"label": "c2pa.actions", "data": {"actions": [action]}}, *(extra_assertions or [])]}


def sign(asset: bytes, definition: dict[str, Any], embed: bool = True, mime: str = "image/jpeg") -> tuple[bytes, bytes]:
    """Sign an asset; return (signed asset bytes, manifest store bytes)."""
    import c2pa

    chain, key = cert_chain()
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None))
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
                                      "builder": {"thumbnail": {"enabled": False}}})
    builder = c2pa.Builder(definition, context=context)
    if not embed:
        builder.set_no_embed()
    out = io.BytesIO()
    store = builder.sign(signer, mime, io.BytesIO(asset), out)
    return out.getvalue(), store


def exr_attribute(name: str, kind: str, value: bytes) -> bytes:
    """Encode one EXR header attribute: name\\0 type\\0 size value."""
    return name.encode() + b"\x00" + kind.encode() + b"\x00" + struct.pack("<i", len(value)) + value


def exr_string(name: str, text: str) -> bytes:
    """Encode a string attribute."""
    return exr_attribute(name, "string", text.encode())


def exr_file(*headers: bytes, flags: int = 2) -> bytes:
    """Return an EXR file: magic, version field, the headers (each ending in \\0), no pixels."""
    body = b"".join(h + b"\x00" for h in headers)
    if flags & 0x1000:
        body += b"\x00"
    return b"\x76\x2f\x31\x01" + struct.pack("<I", flags) + body + b"\x00" * 8


def channels(*names: str) -> bytes:
    """Encode a chlist attribute value."""
    return b"".join(n.encode() + b"\x00" + struct.pack("<iBBBBii", 1, 0, 0, 0, 0, 1, 1) for n in names) + b"\x00"
