"""EXIF probe: text tags of IFD0 and the Exif sub-IFD, and the generator, model and prompt they hold.

Generators write wherever their saver puts it: A1111 and forks write parameters text into
UserComment (Exif sub-IFD); ComfyUI savers write ``{prompt, workflow}`` JSON into UserComment in
IFD0, or ``Prompt: {...}`` / ``Workflow: {...}`` into Make, Model or ImageDescription; SwarmUI,
Civitai and NovelAI write JSON into UserComment. Every text tag is read from both IFDs, then the
generator parsers see them all (generator_entries). Windows XP tags (XPComment...) are UTF-16.
"""

from __future__ import annotations

from typing import Any

from PIL import Image

from ...plugins import MediaProbe
from . import aigc
from .container import read_container
from .generator_detect import detect
from .generator_entries import entries_from
from .generators import clip
from .sniff import sniff

EXIF_IFD = 0x8769
USER_COMMENT = 0x9286
#: IFD0 text tags: tag -> fact name
BASE_TAGS = {0x0131: "software", 0x010F: "make", 0x0110: "camera_model", 0x013B: "artist",
             0x010E: "image_description", 0x8298: "copyright", 0x013C: "host_computer", 0x010D: "document_name"}
#: Windows XP tags (IFD0, UTF-16LE bytes): tag -> fact name
XP_TAGS = {0x9C9B: "xp_title", 0x9C9C: "xp_comment", 0x9C9D: "xp_author", 0x9C9E: "xp_keywords",
           0x9C9F: "xp_subject"}
#: fact name -> the entry name generator parsers know it by (PNG chunk / EXIF tag names)
ENTRY_NAMES = {"software": "Software", "make": "Make", "camera_model": "Model", "image_description": "ImageDescription",
               "user_comment": "UserComment", "xp_comment": "XPComment", "artist": "Artist"}
_FORMATS = ("jpeg", "png", "tiff", "webp")
_LABEL_TAGS = ("user_comment", "image_description", "xp_comment")


class ExifProbe(MediaProbe):
    """Read EXIF tags without decoding pixels; parse the generator metadata written into them."""

    name = "exif"
    version = "2"
    description = "EXIF text tags (IFD0 and Exif sub-IFD: Software, Make, Model, UserComment, XP tags...); generator"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept JPEG, PNG, TIFF and WebP files."""
        return sniff(head) in _FORMATS

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return exif.* facts."""
        exif = read_container(path, sniff(head)).exif
        return exif_facts(exif) if exif is not None else {}


def exif_facts(exif: Image.Exif) -> dict[str, Any]:
    """Turn a Pillow Exif mapping into exif.* facts."""
    texts = text_tags(exif)
    facts: dict[str, Any] = {f"exif.{name}": clip(value, 2000 if name == "user_comment" else 500)
                             for name, value in texts.items()}
    generation = detect(entries_from({ENTRY_NAMES.get(k, k): v for k, v in texts.items()}))
    if generation is not None:
        facts.update(generation.facts("exif"))
    else:
        unparsed = [clip(v) for k, v in texts.items() if k in ENTRY_NAMES and v.lstrip().startswith("{")]
        if unparsed:
            facts["exif.generator_text"] = unparsed
    for name in _LABEL_TAGS:
        if name in texts:
            facts.update(aigc.facts_from_text(texts[name], "exif"))
    return facts


def text_tags(exif: Image.Exif) -> dict[str, str]:
    """Every text tag genflag reads, by fact name: IFD0 tags, XP tags, UserComment from either IFD."""
    out: dict[str, str] = {}
    for tag, name in BASE_TAGS.items():
        value = _text(exif.get(tag))
        if value:
            out[name] = value
    for tag, name in XP_TAGS.items():
        value = decode_xp(exif.get(tag))
        if value:
            out[name] = value
    comment = decode_user_comment(_sub_ifd(exif).get(USER_COMMENT)) or decode_user_comment(exif.get(USER_COMMENT))
    if comment:
        out["user_comment"] = comment
    return out


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


def decode_xp(value: Any) -> str | None:
    """Decode a Windows XP tag (UTF-16LE bytes, or a tuple of byte values)."""
    if isinstance(value, tuple) and all(isinstance(v, int) and 0 <= v < 256 for v in value[:4096]):
        value = bytes(value[:65536])
    if isinstance(value, bytes):
        return value.decode("utf-16-le", "replace").replace("\x00", "").strip() or None
    return _text(value)


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
