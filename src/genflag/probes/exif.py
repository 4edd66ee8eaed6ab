"""EXIF probe: Software, Make/Model, Artist, ImageDescription, UserComment (and generator text in it)."""

from __future__ import annotations

from typing import Any

from PIL import Image

from ..plugins import MediaProbe
from .container import read_container
from .generators import clip, parse_a1111
from .sniff import sniff

EXIF_IFD = 0x8769
USER_COMMENT = 0x9286
_BASE_TAGS = {0x0131: "software", 0x010F: "make", 0x0110: "camera_model", 0x013B: "artist",
              0x010E: "image_description", 0x8298: "copyright"}
_FORMATS = ("jpeg", "png", "tiff", "webp")


class ExifProbe(MediaProbe):
    """Read EXIF tags without decoding pixels; parse generator parameters found in UserComment."""

    name = "exif"
    version = "1"
    description = "EXIF Software, Make, camera Model, Artist, ImageDescription, UserComment; generator text"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept JPEG, PNG, TIFF and WebP files."""
        return sniff(head) in _FORMATS

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return exif.* facts."""
        exif = read_container(path, sniff(head)).exif
        return exif_facts(exif) if exif is not None else {}


def exif_facts(exif: Image.Exif) -> dict[str, Any]:
    """Turn a Pillow Exif mapping into exif.* facts."""
    facts: dict[str, Any] = {}
    for tag, name in _BASE_TAGS.items():
        text = _text(exif.get(tag))
        if text:
            facts[f"exif.{name}"] = clip(text, 500)
    comment = decode_user_comment(_sub_ifd(exif).get(USER_COMMENT))
    if comment:
        facts["exif.user_comment"] = clip(comment)
    for text in (comment, facts.get("exif.image_description")):
        generation = parse_a1111(text) if text else None
        if generation is not None:
            facts.update(generation.facts("exif"))
            break
    return facts


def _sub_ifd(exif: Image.Exif) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(EXIF_IFD))
    except Exception:  # a malformed sub-IFD pointer: the base tags still count
        return {}


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        value = value.replace("\x00", "").strip()
        return value or None
    return None


def decode_user_comment(value: Any) -> str | None:
    """Decode an EXIF UserComment: 8-byte charset header (ASCII, UNICODE, JIS, undefined) then text."""
    if isinstance(value, str):
        return value.strip("\x00 ") or None
    if not isinstance(value, bytes) or not value:
        return None
    header, body = value[:8], value[8:]
    if header.startswith(b"UNICODE"):
        text = body.decode(_utf16_codec(body), "replace")
    elif header.startswith(b"JIS"):
        text = body.decode("shift_jis", "replace")
    elif header.startswith(b"ASCII") or header == b"\x00" * 8:
        text = body.decode("utf-8", "replace")
    else:
        text = value.decode("utf-8", "replace")
    return text.strip("\x00 \n") or None


def _utf16_codec(body: bytes) -> str:
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    even_zeros = body[0::2].count(0)
    odd_zeros = body[1::2].count(0)
    return "utf-16-be" if even_zeros > odd_zeros else "utf-16-le"
