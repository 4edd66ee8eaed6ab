"""Faithfully built media for the causes no public file in the corpus shows: the boxes, chunks, frames
and tags each writer documents (ISO BMFF / QuickTime metadata, RIFF WAVE INFO / bext / iXML, ID3v2,
FLAC Vorbis comments, XMP packets with IPTC 2025.1 and TC260 AIGC properties), built byte by byte."""

from __future__ import annotations

import io
import struct
from typing import Any

from PIL import Image, PngImagePlugin

XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
AIGC_LABEL = ('{"Label":"1","ContentProducer":"001191110108MA01KP2T5U00000","ProduceID":"gen-7f3a",'
              '"ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}')


def box(kind: bytes, payload: bytes) -> bytes:
    """An ISO BMFF box."""
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def data_atom(text: str) -> bytes:
    """An iTunes ``data`` atom holding UTF-8 text (type 1)."""
    return box(b"data", struct.pack(">II", 1, 0) + text.encode())


def mp4(tags: dict[bytes, str] | None = None, mdta: dict[str, str] | None = None, udta_text: dict[bytes, str] | None = None,
        freeform: dict[str, str] | None = None, xmp: bytes | None = None, brand: bytes = b"isom") -> bytes:
    """An MP4: ftyp, moov with udta (ilst items, QuickTime text atoms, freeform ----) and an mdta meta box,
    an XMP uuid box and a small mdat."""
    items = b"".join(box(k, data_atom(v)) for k, v in (tags or {}).items())
    items += b"".join(box(b"----", box(b"mean", b"\x00" * 4 + b"com.apple.iTunes") + box(b"name", b"\x00" * 4 + n.encode())
                          + data_atom(v)) for n, v in (freeform or {}).items())
    hdlr = box(b"hdlr", b"\x00" * 8 + b"mdir" + b"\x00" * 13)
    udta_meta = box(b"meta", b"\x00" * 4 + hdlr + box(b"ilst", items)) if items else b""
    texts = b"".join(box(k, struct.pack(">HH", len(v.encode()), 0x55C4) + v.encode()) for k, v in (udta_text or {}).items())
    moov_children = box(b"mvhd", b"\x00" * 100) + box(b"udta", udta_meta + texts)
    if mdta:
        keys = b"".join(struct.pack(">I", 8 + len(k.encode())) + b"mdta" + k.encode() for k in mdta)
        ilst = b"".join(box(struct.pack(">I", i + 1), data_atom(v)) for i, v in enumerate(mdta.values()))
        moov_children += box(b"meta", box(b"hdlr", b"\x00" * 8 + b"mdta" + b"\x00" * 13)
                             + box(b"keys", struct.pack(">II", 0, len(mdta)) + keys) + box(b"ilst", ilst))
    out = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41") + box(b"moov", moov_children)
    if xmp:
        out += box(b"uuid", XMP_UUID + xmp)
    return out + box(b"mdat", b"\x00" * 64)


def riff_chunk(kind: bytes, payload: bytes) -> bytes:
    """A RIFF chunk, padded to an even size."""
    return kind + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) & 1 else b"")


def wav(info: dict[bytes, str] | None = None, bext: dict[str, str] | None = None, ixml: str | None = None,
        aigc: str | None = None) -> bytes:
    """A WAVE file: fmt, LIST/INFO, bext (Broadcast Wave), iXML, an AIGC chunk and a little PCM data."""
    body = riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 48000, 96000, 2, 16))
    if info:
        body += riff_chunk(b"LIST", b"INFO" + b"".join(riff_chunk(k, v.encode() + b"\x00") for k, v in info.items()))
    if bext:
        fields = (bext.get("description", "").encode().ljust(256, b"\x00") + bext.get("originator", "").encode().ljust(32, b"\x00")
                  + bext.get("reference", "").encode().ljust(32, b"\x00") + b"\x00" * (602 - 320)
                  + bext.get("coding_history", "").encode())
        body += riff_chunk(b"bext", fields)
    if ixml:
        body += riff_chunk(b"iXML", ixml.encode())
    if aigc:
        body += riff_chunk(b"AIGC", aigc.encode())
    body += riff_chunk(b"data", b"\x00" * 32)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def synchsafe(number: int) -> bytes:
    """An ID3v2.4 synchsafe integer."""
    return bytes([(number >> 21) & 0x7F, (number >> 14) & 0x7F, (number >> 7) & 0x7F, number & 0x7F])


def id3_frame(frame_id: str, payload: bytes, major: int = 3) -> bytes:
    """An ID3v2.3 / 2.4 frame."""
    size = synchsafe(len(payload)) if major == 4 else struct.pack(">I", len(payload))
    return frame_id.encode() + size + b"\x00\x00" + payload


def mp3(frames: list[bytes], major: int = 3) -> bytes:
    """An MP3: an ID3v2 tag with the frames, then one silent MPEG-1 Layer III frame."""
    body = b"".join(frames)
    return b"ID3" + bytes([major, 0, 0]) + synchsafe(len(body)) + body + b"\xff\xfb\x90\x00" + b"\x00" * 413


def text_frame(frame_id: str, text: str, major: int = 3) -> bytes:
    """A T*** frame in UTF-8 (encoding 3) or UTF-16 with BOM (encoding 1)."""
    payload = b"\x03" + text.encode() if major == 4 else b"\x01" + text.encode("utf-16")
    return id3_frame(frame_id, payload, major)


def comm_frame(text: str) -> bytes:
    """A COMM frame (Latin-1, language eng, empty description)."""
    return id3_frame("COMM", b"\x00eng\x00" + text.encode("latin-1"))


def txxx_frame(description: str, value: str) -> bytes:
    """A TXXX frame (Latin-1)."""
    return id3_frame("TXXX", b"\x00" + description.encode() + b"\x00" + value.encode("latin-1"))


def flac(comments: dict[str, str], vendor: str = "reference libFLAC 1.4.3 20230623") -> bytes:
    """A FLAC stream header: STREAMINFO and a last VORBIS_COMMENT block."""
    streaminfo = b"\x00" + (34).to_bytes(3, "big") + b"\x00" * 34
    entries = [f"{k}={v}".encode() for k, v in comments.items()]
    block = struct.pack("<I", len(vendor)) + vendor.encode() + struct.pack("<I", len(entries))
    block += b"".join(struct.pack("<I", len(e)) + e for e in entries)
    return b"fLaC" + streaminfo + bytes([0x84]) + len(block).to_bytes(3, "big") + block


def xmp_packet(body: str, namespaces: str = "") -> bytes:
    """An XMP packet with one rdf:Description holding ``body``."""
    return (f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            f'{namespaces}>{body}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()


def jpeg_with(xmp: bytes | None = None, exif: Image.Exif | None = None) -> bytes:
    """An 8x8 JPEG with an XMP packet and / or EXIF block."""
    buf = io.BytesIO()
    options: dict[str, Any] = {}
    if xmp:
        options["xmp"] = xmp
    if exif is not None:
        options["exif"] = exif.tobytes()
    Image.new("RGB", (8, 8), (40, 80, 120)).save(buf, "JPEG", **options)
    return buf.getvalue()


def png_with(text: dict[str, str], itxt: dict[str, str] | None = None) -> bytes:
    """An 8x8 PNG with tEXt (and iTXt) chunks."""
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    for key, value in (itxt or {}).items():
        info.add_itxt(key, value)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 80, 120)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()
