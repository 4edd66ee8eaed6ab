"""Tell a media file's container format from its first bytes (never from its name)."""

from __future__ import annotations

_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "png"),
    (0, b"\x76\x2f\x31\x01", "exr"),
    (0, b"II*\x00", "tiff"),
    (0, b"MM\x00*", "tiff"),
    (0, b"SDPX", "dpx"),
    (0, b"XPDS", "dpx"),
    (0, b"GIF87a", "gif"),
    (0, b"GIF89a", "gif"),
    (0, b"%PDF-", "pdf"),
    (0, b"fLaC", "flac"),
    (0, b"ID3", "mp3"),
    (0, b"\xff\x0a", "jxl"),
    (0, b"\x00\x00\x00\x0cJXL \r\n\x87\n", "jxl"),
    (0, b"\x06\x0e\x2b\x34\x02\x05\x01\x01\x0d\x01\x02", "mxf"),
)
_RIFF = {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}
_BMFF_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")

#: Formats the C2PA SDK can read a manifest from (besides sidecar .c2pa files).
C2PA_FORMATS = frozenset({"jpeg", "png", "tiff", "gif", "pdf", "flac", "mp3", "jxl", "webp", "wav", "avi", "bmff", "svg"})

#: MIME types handed to the C2PA SDK per sniffed format.
MIME_TYPES = {
    "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "gif": "image/gif",
    "pdf": "application/pdf", "flac": "audio/flac", "mp3": "audio/mpeg", "jxl": "image/jxl",
    "webp": "image/webp", "wav": "audio/wav", "avi": "video/avi", "bmff": "video/mp4",
    "svg": "image/svg+xml",
}


def sniff(head: bytes) -> str:
    """Return a short format name (jpeg, png, exr, bmff...) or "unknown"."""
    for offset, magic, name in _SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return name
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] in _BMFF_BOXES:
        return "bmff"
    if _looks_like_svg(head):
        return "svg"
    return "unknown"


def _looks_like_svg(head: bytes) -> bool:
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(b"<svg") or (start.startswith(b"<?xml") and b"<svg" in head[:2048].lower())
