"""Read a file's container metadata once (PNG chunks, JPEG/TIFF/WebP markers) for several probes.

Only metadata is read: PNG chunks and JPEG segments are walked with seek up to the image data,
TIFF/WebP headers are parsed by Pillow's plugin classes (never ``load()``), and every size is bounded so
a hostile file cannot exhaust memory. The parse is memoised per (path, size, mtime) so the
png, exif and xmp probes share it.
"""

from __future__ import annotations

import os
import struct
import threading
import warnings
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, PngImagePlugin

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_CHUNK = 4 * 1024 * 1024
MAX_TEXT_TOTAL = 16 * 1024 * 1024
MAX_CHUNKS = 100_000
MAX_WEBP_BYTES = 64 * 1024 * 1024
MAX_SEGMENTS = 10_000
_XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"IHDR")
_PNG_ALPHA_MODES = ("RGBA", "LA", "RGBa", "La", "PA")

# Pillow warns (on stderr) about corrupt EXIF blocks; genflag reports unreadable EXIF itself.
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")


@dataclass
class Container:
    """Metadata of one file: format, PNG text, EXIF, XMP packet, image mode and size, problems met."""

    format: str
    text: dict[str, str] = field(default_factory=dict)
    exif: Image.Exif | None = None
    xmp: bytes | None = None
    mode: str = ""
    size: tuple[int, int] = (0, 0)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_alpha(self) -> bool:
        """True when the image declares an alpha channel."""
        return self.mode in _PNG_ALPHA_MODES


_memo: OrderedDict[tuple[str, int, int], Container] = OrderedDict()
_memo_lock = threading.Lock()
_MEMO_SIZE = 16


def read_container(path: str, fmt: str) -> Container:
    """Return the (memoised) container metadata of a file whose sniffed format is ``fmt``."""
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    container = _read(path, fmt, st.st_size)
    with _memo_lock:
        _memo[key] = container
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return container


def _read(path: str, fmt: str, size: int) -> Container:
    if fmt == "png":
        return read_png(path)
    if fmt == "jpeg":
        return read_jpeg(path)
    if fmt in ("tiff", "webp"):
        return _read_pillow(path, fmt, size)
    return Container(fmt)


def read_png(path: str) -> Container:
    """Walk a PNG's chunks, decoding text/eXIf/IHDR chunks and seeking past everything else."""
    out = Container("png")
    with open(path, "rb") as fp:
        if fp.read(8) != PNG_SIGNATURE:
            raise ValueError("not a PNG file (bad signature)")
        stream = PngImagePlugin.PngStream(fp)
        ended = _walk_png(fp, stream, out)
        if not ended:
            out.warnings.append("PNG has no IEND chunk (truncated file?)")
        out.text = {str(k): str(v) for k, v in stream.im_text.items()}
        exif = stream.im_info.get("exif")
        out.exif = _exif_from_bytes(exif, out) if isinstance(exif, bytes) else None
        out.mode, out.size = stream.im_mode, stream.im_size
        xmp = out.text.get("XML:com.adobe.xmp")
        out.xmp = xmp.encode("utf-8") if xmp else None
    return out


def _walk_png(fp: Any, stream: PngImagePlugin.PngStream, out: Container) -> bool:
    total = 0
    for _ in range(MAX_CHUNKS):
        try:
            cid, pos, length = stream.read()
        except (struct.error, SyntaxError, ValueError) as exc:
            out.warnings.append(f"broken PNG chunk header: {exc}")
            return False
        if cid == b"IEND":
            return True
        if cid not in _TEXT_CHUNKS:
            fp.seek(length + 4, os.SEEK_CUR)
            continue
        if length > MAX_TEXT_CHUNK or total + length > MAX_TEXT_TOTAL:
            out.warnings.append(f"skipped oversized {cid.decode('latin-1')} chunk ({length} bytes)")
            fp.seek(length + 4, os.SEEK_CUR)
            continue
        total += length
        if not _call_chunk(stream, cid, pos, length, out):
            return False
    out.warnings.append(f"stopped after {MAX_CHUNKS} chunks")
    return False


def _call_chunk(stream: PngImagePlugin.PngStream, cid: bytes, pos: int, length: int, out: Container) -> bool:
    name = cid.decode("latin-1")
    try:
        data = stream.call(cid, pos, length)
    except (OSError, EOFError) as exc:
        out.warnings.append(f"truncated {name} chunk: {exc}")
        return False
    except (ValueError, UnicodeDecodeError, zlib.error, SyntaxError) as exc:
        out.warnings.append(f"bad {name} chunk: {exc}")
        stream.fp.seek(pos + length + 4)  # type: ignore[union-attr]  # Pillow opened it
        return True
    try:
        stream.crc(cid, data)
    except SyntaxError as exc:
        out.warnings.append(str(exc))
    return True


def read_jpeg(path: str) -> Container:
    """Walk a JPEG's marker segments up to the image data, keeping the EXIF and XMP APP1 blocks."""
    out = Container("jpeg")
    with open(path, "rb") as fp:
        if fp.read(2) != b"\xff\xd8":
            raise ValueError("not a JPEG file (no SOI marker)")
        for _ in range(MAX_SEGMENTS):
            code = _next_marker(fp, out)
            if code is None or code in (0xD9, 0xDA):  # EOI, or SOS: the metadata is over
                return out
            if 0xD0 <= code <= 0xD7 or code == 0x01:  # markers without a length
                continue
            if not _jpeg_segment(fp, code, out):
                return out
    out.warnings.append(f"stopped after {MAX_SEGMENTS} JPEG segments")
    return out


def _next_marker(fp: Any, out: Container) -> int | None:
    first = fp.read(1)
    if first != b"\xff":
        out.warnings.append("corrupt JPEG: no marker where one was expected" if first else "truncated JPEG")
        return None
    for _ in range(64):  # 0xFF fill bytes may pad a marker
        code = fp.read(1)
        if not code:
            out.warnings.append("truncated JPEG")
            return None
        if code != b"\xff":
            return code[0]
    out.warnings.append("corrupt JPEG: endless fill bytes")
    return None


def _jpeg_segment(fp: Any, code: int, out: Container) -> bool:
    raw = fp.read(2)
    if len(raw) < 2 or struct.unpack(">H", raw)[0] < 2:
        out.warnings.append("corrupt JPEG: bad segment length")
        return False
    length = struct.unpack(">H", raw)[0] - 2
    if code != 0xE1:
        fp.seek(length, os.SEEK_CUR)
        return True
    data = fp.read(length)
    if len(data) < length:
        out.warnings.append("truncated JPEG segment")
        return False
    if data.startswith(b"Exif\x00\x00") and out.exif is None:
        out.exif = _exif_from_bytes(data, out)
    elif data.startswith(_XMP_APP1) and out.xmp is None:
        out.xmp = data[len(_XMP_APP1):]
    return True


def _read_pillow(path: str, fmt: str, size: int) -> Container:
    from PIL import TiffImagePlugin, WebPImagePlugin

    if fmt == "webp" and size > MAX_WEBP_BYTES:
        return Container(fmt, warnings=[f"WebP larger than {MAX_WEBP_BYTES} bytes: metadata not read"])
    plugin = {"tiff": TiffImagePlugin.TiffImageFile, "webp": WebPImagePlugin.WebPImageFile}[fmt]
    with open(path, "rb") as fp:
        image = plugin(fp)  # parses headers and markers only; pixels are never loaded
        out = Container(fmt, mode=image.mode, size=image.size)
        out.exif = _safe_exif(image, out)
        xmp = image.info.get("xmp")
        out.xmp = xmp if isinstance(xmp, bytes) else (xmp.encode("utf-8") if isinstance(xmp, str) else None)
    return out


def _safe_exif(image: Image.Image, out: Container) -> Image.Exif | None:
    try:
        exif = image.getexif()
        return exif if len(exif) else None
    except Exception as exc:  # Pillow raises many types for malformed EXIF; one bad block is a warning
        out.warnings.append(f"unreadable EXIF: {exc}")
        return None


def _exif_from_bytes(data: bytes, out: Container) -> Image.Exif | None:
    exif = Image.Exif()
    try:
        exif.load(data)
    except Exception as exc:  # malformed eXIf chunk
        out.warnings.append(f"unreadable EXIF: {exc}")
        return None
    return exif if len(exif) else None
