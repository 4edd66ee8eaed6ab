"""Read the text tags of audio files without decoding audio: WAV (RIFF LIST/INFO, bext, iXML, AIGC chunk,
embedded ID3), MP3 (ID3v2.2/2.3/2.4) and FLAC (Vorbis comments).

Each reader returns (name, text) pairs in file order. Bounded: chunk / frame counts, value sizes
and the total read are capped, and sample data is seeked past, so a hostile file costs only itself.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

MAX_ITEMS = 2000
MAX_VALUE = 256 * 1024
MAX_TAG = 8 * 1024 * 1024
MAX_TOTAL = 16 * 1024 * 1024
#: RIFF INFO sub-chunk ids -> names
INFO_NAMES = {b"INAM": "title", b"IART": "artist", b"ICMT": "comment", b"ISFT": "software", b"IENG": "engineer",
              b"ICOP": "copyright", b"IGNR": "genre", b"ISBJ": "subject", b"IPRD": "product", b"ICRD": "date",
              b"ITCH": "technician", b"ISRC": "source", b"IKEY": "keywords"}
#: ID3 frame ids -> names (v2.3/2.4 and v2.2)
ID3_NAMES = {"TIT2": "title", "TT2": "title", "TPE1": "artist", "TP1": "artist", "TSSE": "software",
             "TSS": "software", "TENC": "encoded_by", "TEN": "encoded_by", "TALB": "album", "TAL": "album",
             "TCON": "genre", "TCO": "genre", "TCOP": "copyright", "TCR": "copyright", "TPUB": "publisher",
             "TCOM": "composer", "TIT3": "subtitle", "WOAS": "url", "WOAF": "url", "WXXX": "url", "WXX": "url",
             "COMM": "comment", "COM": "comment", "USLT": "lyrics", "ULT": "lyrics"}

Tags = list[tuple[str, str]]


def read_riff(fp: BinaryIO, size: int) -> Tags:
    """Text tags of a RIFF WAVE file: LIST/INFO, bext, iXML, an AIGC chunk, an embedded ID3 tag."""
    tags: Tags = []
    position, budget = 12, [MAX_TOTAL]
    for _ in range(MAX_ITEMS):
        fp.seek(position)
        head = fp.read(8)
        if len(head) < 8 or len(tags) >= MAX_ITEMS:
            break
        kind, length = head[:4], struct.unpack("<I", head[4:])[0]
        if position + 8 + length > size + 1:
            break
        if kind in (b"LIST", b"bext", b"iXML", b"AIGC", b"aigc", b"id3 ", b"ID3 "):
            data = _read(fp, position + 8, length, budget, MAX_TAG if kind.lower() == b"id3 " else MAX_VALUE)
            tags.extend(_riff_chunk(kind, data))
        position += 8 + length + (length & 1)
    return tags


def _riff_chunk(kind: bytes, data: bytes) -> Tags:
    if kind == b"LIST" and data[:4] == b"INFO":
        return _info(data[4:])
    if kind == b"bext":
        return _bext(data)
    if kind == b"iXML":
        return [("ixml", _text(data))] if _text(data) else []
    if kind.lower() == b"aigc":
        return [("AIGC", _text(data))] if _text(data) else []
    if kind.lower() == b"id3 ":
        return parse_id3(data)
    return []


def _info(data: bytes) -> Tags:
    tags: Tags = []
    position = 0
    while position + 8 <= len(data) and len(tags) < MAX_ITEMS:
        kind, length = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        text = _text(data[position + 8:position + 8 + length])
        if text:
            tags.append((INFO_NAMES.get(kind, kind.decode("latin-1").strip()), text))
        position += 8 + length + (length & 1)
    return tags


def _bext(data: bytes) -> Tags:
    """Broadcast Wave ``bext``: Description[256], Originator[32], OriginatorReference[32], ..., CodingHistory from 602."""
    fields = [("description", data[:256]), ("originator", data[256:288]), ("originator_reference", data[288:320]),
              ("coding_history", data[602:])]
    return [(name, text) for name, raw in fields if (text := _text(raw))]


def read_id3_file(fp: BinaryIO) -> Tags:
    """The ID3v2 tag at the start of an MP3 file."""
    fp.seek(0)
    header = fp.read(10)
    if header[:3] != b"ID3" or len(header) < 10:
        return []
    size = _synchsafe(header[6:10])
    return parse_id3(header + fp.read(min(size, MAX_TAG)))


def parse_id3(data: bytes) -> Tags:
    """Text, comment and URL frames of an ID3v2.2 / 2.3 / 2.4 tag (header included)."""
    if data[:3] != b"ID3" or len(data) < 10:
        return []
    major, flags = data[3], data[5]
    body = data[10:10 + _synchsafe(data[6:10])]
    if flags & 0x80:
        body = body.replace(b"\xff\x00", b"\xff")
    if flags & 0x40 and major >= 3 and len(body) >= 4:
        skip = _synchsafe(body[:4]) if major == 4 else struct.unpack(">I", body[:4])[0] + 4
        body = body[skip:]
    return _frames(body, major)


def _frames(body: bytes, major: int) -> Tags:
    tags: Tags = []
    id_len, head_len = (3, 6) if major == 2 else (4, 10)
    position = 0
    while position + head_len <= len(body) and len(tags) < MAX_ITEMS:
        frame_id = body[position:position + id_len].decode("latin-1")
        if not frame_id.strip("\x00") or not frame_id.isalnum():
            break
        size = _frame_size(body[position + id_len:position + id_len + (3 if major == 2 else 4)], major)
        payload = body[position + head_len:position + head_len + size]
        found = _frame(frame_id, payload)
        if found:
            tags.append(found)
        position += head_len + size
    return tags


def _frame_size(raw: bytes, major: int) -> int:
    if major == 2:
        return int.from_bytes(raw, "big")
    return _synchsafe(raw) if major == 4 else struct.unpack(">I", raw)[0]


def _frame(frame_id: str, payload: bytes) -> tuple[str, str] | None:
    if not payload:
        return None
    if frame_id in ("TXXX", "TXX"):
        description, _, value = _decode(payload[0], payload[1:]).partition("\x00")
        return (description.strip() or "TXXX", value.strip()) if value.strip() else None
    if frame_id in ("COMM", "COM", "USLT", "ULT"):
        _, _, value = _decode(payload[0], payload[4:]).partition("\x00")
        return (ID3_NAMES[frame_id], value.strip()) if value.strip() else None
    if frame_id in ("WXXX", "WXX"):
        _, _, url = _decode(payload[0], payload[1:]).partition("\x00")
        return ("url", url.strip("\x00 ")) if url.strip("\x00 ") else None
    if frame_id.startswith("W"):
        url = payload.decode("latin-1").strip("\x00 ")
        return (ID3_NAMES.get(frame_id, frame_id), url) if url else None
    if frame_id.startswith("T"):
        text = _decode(payload[0], payload[1:]).replace("\x00", " / ").strip(" /")
        return (ID3_NAMES.get(frame_id, frame_id), text) if text else None
    return None


def _decode(encoding: int, raw: bytes) -> str:
    codec = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}.get(encoding, "latin-1")
    if codec == "utf-16" and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16-le"
    text = raw[:MAX_VALUE].decode(codec, "replace")
    return text.replace("\ufeff", "")


def read_flac(fp: BinaryIO) -> Tags:
    """Vorbis comments (``KEY=value``) of a FLAC file's VORBIS_COMMENT metadata block."""
    position, budget = 4, [MAX_TOTAL]
    for _ in range(MAX_ITEMS):
        fp.seek(position)
        head = fp.read(4)
        if len(head) < 4:
            return []
        last, kind, length = head[0] & 0x80, head[0] & 0x7F, int.from_bytes(head[1:], "big")
        if kind == 4:
            return _vorbis(_read(fp, position + 4, length, budget, MAX_TAG))
        if last:
            return []
        position += 4 + length
    return []


def _vorbis(data: bytes) -> Tags:
    if len(data) < 8:
        return []
    vendor_len = struct.unpack("<I", data[:4])[0]
    tags: Tags = [("vendor", _text(data[4:4 + vendor_len]) or "")]
    position = 4 + vendor_len
    count = struct.unpack("<I", data[position:position + 4])[0] if position + 4 <= len(data) else 0
    position += 4
    for _ in range(min(count, MAX_ITEMS)):
        if position + 4 > len(data):
            break
        length = struct.unpack("<I", data[position:position + 4])[0]
        key, _, value = _text(data[position + 4:position + 4 + length]).partition("=")
        if value.strip():
            tags.append((key.strip(), value.strip()))
        position += 4 + length
    return [(k, v) for k, v in tags if v]


def _synchsafe(raw: bytes) -> int:
    return (raw[0] & 0x7F) << 21 | (raw[1] & 0x7F) << 14 | (raw[2] & 0x7F) << 7 | (raw[3] & 0x7F)


def _read(fp: BinaryIO, start: int, length: int, budget: list[int], limit: int) -> bytes:
    count = max(0, min(length, limit, budget[0]))
    budget[0] -= count
    fp.seek(start)
    return fp.read(count)


def _text(raw: bytes) -> str:
    return raw[:MAX_VALUE].decode("utf-8", "replace").replace("\x00", "").strip()
