"""What a Content Credentials store declares when the C2PA SDK cannot parse it (a malformed claim, a
broken JUMBF box): the digital source types and the CBOR text values of a few keys, read from the
store's bytes as data.

The SDK validates before it reports, and a claim it cannot decode gives no report at all, though
its assertions still say "trainedAlgorithmicMedia" and name the software agent. These facts go under
``c2pa.unverified.*``: nothing here was validated, and rules can tell them apart.
"""

from __future__ import annotations

import re
from typing import Any

from .generators import clip
from .source_type import normalise_all

SCAN_HEAD = 16 * 1024 * 1024
SCAN_TAIL = 4 * 1024 * 1024
MAX_STORE = 8 * 1024 * 1024
MAX_VALUES = 50
_SOURCE_TYPE = re.compile(rb"https?://cv\.iptc\.org/newscodes/digitalsourcetype/([A-Za-z]{3,64})")
#: CBOR map keys whose text values are worth reading: key text -> fact name
KEYS = {b"softwareAgent": "software_agent", b"claim_generator": "claim_generator", b"name": "name",
        b"description": "description", b"action": "action"}
#: Values the store's own structure writes under those keys (not a tool)
_STRUCTURAL = frozenset({"jumbf manifest", "c2pa", "c2pa.assertions", "c2pa.claim", "c2pa.signature"})


def unverified_facts(path: str) -> dict[str, Any]:
    """``c2pa.unverified.*`` facts from the C2PA store bytes of a file, or {} when none is found."""
    store = store_bytes(path)
    if store is None:
        return {}
    facts: dict[str, Any] = {"c2pa.unverified.digital_source_type":
                             normalise_all(m.group(1).decode("ascii") for m in _SOURCE_TYPE.finditer(store))}
    for key, name in KEYS.items():
        facts[f"c2pa.unverified.{name}"] = list(dict.fromkeys(cbor_text_after(store, key)))[:MAX_VALUES]
    return {k: v for k, v in facts.items() if v}


def store_bytes(path: str) -> bytes | None:
    """The bytes from the first C2PA JUMBF box on (bounded), searched in the file's head and tail."""
    with open(path, "rb") as handle:
        head = handle.read(SCAN_HEAD)
        handle.seek(0, 2)
        size = handle.tell()
        tail = b""
        if size > SCAN_HEAD:
            handle.seek(max(SCAN_HEAD, size - SCAN_TAIL))
            tail = handle.read(SCAN_TAIL)
    for data in (head, tail):
        found = data.find(b"jumdc2pa")
        if found >= 0:
            return data[max(0, found - 8):found + MAX_STORE]
    return None


def cbor_text_after(store: bytes, key: bytes) -> list[str]:
    """Text strings that follow a CBOR text-string map key (``key`` with its CBOR header) in the store."""
    header = _text_header(len(key)) + key
    out: list[str] = []
    position = store.find(header)
    while position >= 0 and len(out) < MAX_VALUES:
        value = _text_at(store, position + len(header))
        if value and value.lower() not in _STRUCTURAL:
            out.append(clip(value, 300))
        position = store.find(header, position + len(header))
    return out


def _text_header(length: int) -> bytes:
    if length < 24:
        return bytes([0x60 + length])
    return bytes([0x78, length]) if length < 256 else bytes([0x79]) + length.to_bytes(2, "big")


def _text_at(data: bytes, position: int) -> str | None:
    """The CBOR text string at ``position`` (major type 3, definite length), or None."""
    if position >= len(data):
        return None
    first = data[position]
    if not 0x60 <= first <= 0x79:
        return None
    info = first - 0x60
    if info < 24:
        start, length = position + 1, info
    elif info == 24:
        start, length = position + 2, data[position + 1] if position + 1 < len(data) else 0
    else:
        start, length = position + 3, int.from_bytes(data[position + 1:position + 3], "big")
    raw = data[start:start + length]
    if len(raw) < length:
        return None
    text = raw.decode("utf-8", "replace").strip()
    return text if text and text.isprintable() else None
