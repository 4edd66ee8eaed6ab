"""C2PA probe: Content Credentials embedded in a file or in a ``.c2pa`` sidecar, read offline.

Uses the Content Authenticity Initiative's c2pa-python SDK with remote-manifest fetching and
OCSP turned off (``verify.remote_manifest_fetch`` / ``verify.ocsp_fetch``): nothing is fetched;
a file whose manifest lives only at a URL is reported with ``c2pa.manifest_location: remote`` and
``c2pa.remote_manifest: <url>``.
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any

from ...plugins import MediaProbe
from .c2pa_manifest import store_facts
from .generators import clip
from .sniff import C2PA_FORMATS, MIME_TYPES, sniff

#: SDK settings: never touch the network.
OFFLINE_SETTINGS = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
MAX_SIDECAR_BYTES = 16 * 1024 * 1024
#: The SDK reads these formats whole into memory (about 3x the file size): larger files are not handed to it.
WHOLE_FILE_FORMATS = frozenset({"jpeg", "gif", "svg", "webp"})
MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024
#: The SDK's time on an ISO BMFF file grows with the square of its box count (2 s at 20 000 boxes):
#: files with more boxes than this (none that a camera or a generator writes) are not handed to it.
MAX_SDK_BOXES = 10_000
_RIFF_FORMATS = frozenset({"webp", "wav", "avi"})
_REMOTE_URL = re.compile(r"remote manifest.*?(https?://\S+)", re.IGNORECASE)
_local = threading.local()


class C2paProbe(MediaProbe):
    """Read C2PA manifests: claim generator, actions, digital source types, ingredients, validation."""

    name = "c2pa"
    version = "3"
    description = "C2PA Content Credentials (embedded or .c2pa sidecar), offline"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept formats the C2PA SDK reads, and any file with a .c2pa sidecar."""
        return sniff(head) in C2PA_FORMATS or find_manifest_sidecar(path) is not None

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return c2pa.* facts (c2pa.present false when there is no manifest)."""
        fmt = sniff(head)
        facts: dict[str, Any] = {"c2pa.present": False}
        refusal = sdk_refusal(fmt, head, os.path.getsize(path)) or box_refusal(path, fmt)
        if refusal:
            facts["c2pa.error"] = refusal
        elif fmt in C2PA_FORMATS:
            facts = read_embedded(path, fmt)
        if not facts.get("c2pa.present"):
            sidecar = find_manifest_sidecar(path)
            if sidecar is not None:
                facts = {**facts, **read_sidecar(path, fmt, sidecar)}
        return facts


def sdk_refusal(fmt: str, head: bytes, size: int) -> str | None:
    """Return why a file is not handed to the SDK (too big to read whole, inconsistent RIFF size), or None."""
    if fmt in WHOLE_FILE_FORMATS and size > MAX_WHOLE_FILE_BYTES:
        return f"not read: {fmt} file larger than {MAX_WHOLE_FILE_BYTES // (1024 * 1024)} MiB"
    if fmt in _RIFF_FORMATS and int.from_bytes(head[4:8], "little") + 8 > size + 1:
        return "not read: RIFF size field larger than the file (truncated or corrupt)"
    return None


def box_refusal(path: str, fmt: str) -> str | None:
    """Why an ISO BMFF file is not handed to the SDK (too many boxes), or None."""
    if fmt != "bmff":
        return None
    from .isobmff import read_movie_metadata
    if read_movie_metadata(path).boxes > MAX_SDK_BOXES:
        return f"not read: more than {MAX_SDK_BOXES} ISO BMFF boxes"
    return None


def offline_context() -> Any:
    """Return this thread's c2pa Context with network fetching turned off."""
    context = getattr(_local, "context", None)
    if context is None:
        import c2pa

        context = c2pa.Context.from_dict(OFFLINE_SETTINGS)
        _local.context = context
    return context


def read_embedded(path: str, fmt: str) -> dict[str, Any]:
    """Read the manifest store embedded in a file."""
    import c2pa

    try:
        with open(path, "rb") as stream:
            reader = c2pa.Reader.try_create(MIME_TYPES[fmt], stream, None, offline_context())
            if reader is None:
                return {"c2pa.present": False}
            with reader:
                return _reader_facts(reader, "embedded")
    except c2pa.C2paError as exc:
        facts = _error_facts(exc)
    if facts.get("c2pa.manifest_location") != "remote":
        from .c2pa_raw import unverified_facts
        facts.update(unverified_facts(path))  # what a store the SDK cannot parse still declares
    return facts


def read_sidecar(path: str, fmt: str, sidecar: str) -> dict[str, Any]:
    """Read a .c2pa sidecar manifest store, validated against the media file's bytes."""
    import c2pa

    with open(sidecar, "rb") as fp:
        manifest = fp.read(MAX_SIDECAR_BYTES + 1)
    if len(manifest) > MAX_SIDECAR_BYTES:
        return {"c2pa.present": False, "c2pa.sidecar": sidecar,
                "c2pa.error": f"sidecar larger than {MAX_SIDECAR_BYTES} bytes"}
    mime = MIME_TYPES.get(fmt, "application/octet-stream")
    try:
        with open(path, "rb") as stream:
            with c2pa.Reader(mime, stream, manifest, offline_context()) as reader:
                facts = _reader_facts(reader, "sidecar")
    except c2pa.C2paError as exc:
        facts = _error_facts(exc)
    facts["c2pa.sidecar"] = sidecar
    return facts


def _reader_facts(reader: Any, location: str) -> dict[str, Any]:
    store = json.loads(reader.json())
    facts = store_facts(store if isinstance(store, dict) else {})
    facts["c2pa.manifest_location"] = location
    return facts


def _error_facts(exc: Exception) -> dict[str, Any]:
    message = " ".join(str(exc).split())
    remote = _REMOTE_URL.search(message)
    if remote:
        return {"c2pa.present": False, "c2pa.manifest_location": "remote",
                "c2pa.remote_manifest": clip(remote.group(1), 1000)}
    return {"c2pa.present": False, "c2pa.error": clip(message, 300)}


def manifest_sidecar_candidates(path: str) -> list[str]:
    """Return the .c2pa sidecar paths looked for: ``<stem>.c2pa`` then ``<name>.c2pa``."""
    stem = os.path.splitext(path)[0]
    return [stem + ".c2pa", path + ".c2pa"] if stem != path else [path + ".c2pa"]


def find_manifest_sidecar(path: str) -> str | None:
    """Return the first existing .c2pa sidecar of a media file, or None."""
    if path.endswith(".c2pa"):
        return None
    return next((c for c in manifest_sidecar_candidates(path) if os.path.isfile(c)), None)
