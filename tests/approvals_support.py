"""A small show for the approvals tests: a cut whose clips use real media files, and test rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from genflag.approvals.ledger import canonical, chained
from genflag.approvals.model import ApprovalRecord, Covers, MediaPrint
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """\
genflag_rules: 1
pack: {id: test.approvals, version: "1"}
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    requires: [approval, disclosure, credit]
    tool: MagicGen
    message: "MagicGen: {clip.name}"
    match:
      by_name: {clip.name|word: magicgen}
  - id: genai.image.magic
    title: Magic image
    category: generative.image
    severity: error
    requires: [approval, credit]
    tool: MagicImg
    message: "MagicImg: {clip.name}"
    match:
      by_name: {clip.name|word: magicimg}
  - id: likeness.swap.test
    title: Face swap
    category: likeness.face_swap
    severity: error
    requires: [consent, approval, disclosure]
    message: "Face swap: {clip.name}"
    match:
      by_name: {clip.name|word: faceswapx}
  - id: ml.upscale.test
    title: Upscaled
    category: ml_assisted
    severity: warning
    message: "Upscaled: {clip.name}"
    match:
      by_name: {clip.name|word: upscalex}
"""


def media_file(folder: Path, name: str, content: bytes | None = None) -> Path:
    """Write a small media file with distinct content."""
    path = folder / name
    path.write_bytes(content if content is not None else (name.encode() * 40))
    return path


def show(folder: Path) -> dict[str, str]:
    """Write rules, media and a cut into folder; return their paths (cut, rules, ledger)."""
    media = folder / "media"
    media.mkdir(exist_ok=True)
    for name in ("sh010.mov", "sh020.mov", "sh030.mov", "sh040.mov", "sh050.mov"):
        media_file(media, name)
    timeline = make_timeline(("V1", [
        make_clip("SH010_plate_v001", "media/sh010.mov", 24),
        make_clip("SH020_magicgen_comp_v002", "media/sh020.mov", 48),
        make_clip("SH030_magicgen_magicimg_v001", "media/sh030.mov", 24),
        make_clip("SH040_faceswapx_v001", "media/sh040.mov", 24),
        make_clip("SH050_upscalex_v001", "media/sh050.mov", 24,
                  metadata={"genflag": {"review": {"status": "cleared", "by": "Ed"}}}),
    ]), start=86400, name="REEL1_v012")
    cut = write_otio(timeline, folder / "cut.otio")
    rules = folder / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    return {"cut": cut, "rules": str(rules), "ledger": str(folder / "approvals.jsonl")}


def flip_byte(path: Path, offset: int = 10) -> None:
    """Change one byte of a file in place (same size)."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def record(shot: str | None = "SH020", clip: str | None = None, role: str = "producer", decision: str = "approved",
           sha: str = "a" * 64, at: str = "2026-11-02T10:00:00Z", **extra: Any) -> ApprovalRecord:
    """An approval record built by hand (for ledgers written without `genflag approve`)."""
    media = [] if decision == "revoked" else [MediaPrint("file", sha, "m.mov", clip or "", size=None)]
    return ApprovalRecord(decision=decision, covers=Covers(shot=shot, clips=(clip,) if clip else ()), media=media,
                          name=extra.pop("name", "A. Producer"), role=role, at=at, ref=extra.pop("ref", "LEGAL-1"),
                          **extra)


def write_ledger(path: Path, records: list[ApprovalRecord]) -> list[dict[str, Any]]:
    """Write a correctly chained ledger of records (as `genflag approve` would); return the lines' data."""
    prev = "sha256:" + "0" * 64
    lines = []
    for item in records:
        data = chained(item, prev)
        prev = data["hash"]
        lines.append(data)
    path.write_bytes(b"".join(canonical(d) + b"\n" for d in lines))
    return lines


def line_data(path: Path) -> list[dict[str, Any]]:
    """The ledger's lines as dicts."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
