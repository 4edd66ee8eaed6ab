"""The approval record (schemas/approval.schema.json): decision, what it covers, the media it was
given for, who, when, and the written approval it refers to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RECORD_VERSION = 1
SCHEMA_NAME = "approval.schema.json"
DECISIONS = ("approved", "rejected", "revoked")
#: The approval triggers of studio guidance (Netflix's partner guidance on generative AI).
TRIGGERS = ("final_deliverable", "talent_likeness", "personal_data", "third_party_ip")
LEDGER_SOURCE = "ledger"


@dataclass(frozen=True)
class Covers:
    """What a record covers: a shot or clip(s), optionally narrowed to rules, categories or triggers."""

    shot: str | None = None
    clips: tuple[str, ...] = ()
    timeline: str | None = None
    rules: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Covers":
        """Build from the JSON form (``clip`` and ``clips`` merge)."""
        clips = ([data["clip"]] if data.get("clip") else []) + list(data.get("clips") or [])
        return cls(shot=data.get("shot"), clips=tuple(dict.fromkeys(clips)), timeline=data.get("timeline"),
                   rules=tuple(data.get("rules") or ()), categories=tuple(data.get("categories") or ()),
                   triggers=tuple(data.get("triggers") or ()))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (empty parts left out)."""
        data: dict[str, Any] = {}
        if self.shot:
            data["shot"] = self.shot
        if len(self.clips) == 1:
            data["clip"] = self.clips[0]
        elif self.clips:
            data["clips"] = list(self.clips)
        for name in ("timeline",):
            if getattr(self, name):
                data[name] = getattr(self, name)
        for name in ("rules", "categories", "triggers"):
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        return data

    def label(self) -> str:
        """A short description: 'shot SH020 (genai.video.runway)'."""
        what = f"shot {self.shot}" if self.shot else f"clip {', '.join(self.clips)}"
        narrowed = [*self.rules, *self.categories, *self.triggers]
        return what + (f" ({', '.join(narrowed)})" if narrowed else "")


@dataclass(frozen=True)
class MediaPrint:
    """A content fingerprint: one file's SHA-256, or an image sequence's sampled frames and count."""

    kind: str
    sha256: str
    path: str = ""
    clip: str = ""
    size: int | None = None
    frame_count: int | None = None
    frames: tuple[int, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MediaPrint":
        """Build from the JSON form."""
        return cls(kind=data["kind"], sha256=data["sha256"], path=data.get("path", ""), clip=data.get("clip", ""),
                   size=data.get("size"), frame_count=data.get("frame_count"),
                   frames=tuple(data.get("frames") or ()))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        data: dict[str, Any] = {"kind": self.kind, "sha256": self.sha256}
        if self.clip:
            data["clip"] = self.clip
        if self.path:
            data["path"] = self.path
        if self.size is not None:
            data["size"] = self.size
        if self.kind == "sequence":
            data["frame_count"] = self.frame_count
            data["frames"] = list(self.frames)
        return data

    def short(self) -> str:
        """The digest as people compare it: sha256:1a2b3c4d5e6f."""
        return f"sha256:{self.sha256[:12]}"


@dataclass
class ApprovalRecord:
    """One decision of one person about what a shot or clip uses, as stored or read from a tracker."""

    decision: str
    covers: Covers
    media: list[MediaPrint]
    name: str
    role: str
    at: str
    ref: str
    note: str = ""
    unbound: bool = False
    given_on: dict[str, str] = field(default_factory=dict)
    source: str = LEDGER_SOURCE
    location: str = ""  # ledger FILE:LINE, or where a tracker source found it
    hash: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], location: str = "") -> "ApprovalRecord":
        """Build from a validated JSON record."""
        return cls(decision=data["decision"], covers=Covers.from_dict(data["covers"]),
                   media=[MediaPrint.from_dict(m) for m in data.get("media") or []],
                   name=data["by"]["name"], role=data["by"]["role"], at=data["at"], ref=data["ref"],
                   note=data.get("note", ""), unbound=bool(data.get("unbound")), given_on=dict(data.get("given_on") or {}),
                   source=data.get("source") or LEDGER_SOURCE, location=data.get("location") or location,
                   hash=data.get("hash", ""))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form without the chain fields (prev, hash)."""
        data: dict[str, Any] = {"genflag_approval": RECORD_VERSION, "decision": self.decision,
                                "covers": self.covers.to_dict(), "media": [m.to_dict() for m in self.media],
                                "by": {"name": self.name, "role": self.role}, "at": self.at, "ref": self.ref}
        if self.unbound:
            data["unbound"] = True
        if self.note:
            data["note"] = self.note
        if self.given_on:
            data["given_on"] = dict(self.given_on)
        if self.source != LEDGER_SOURCE:
            data["source"] = self.source
            if self.location:
                data["location"] = self.location
        return data

    def who(self) -> str:
        """'A. Producer (producer)'."""
        return f"{self.name} ({self.role})"

    def summary(self) -> dict[str, Any]:
        """The short form a finding's approval state lists (who, role, when, ref, where)."""
        return {"decision": self.decision, "by": self.name, "role": self.role, "at": self.at, "ref": self.ref,
                "source": self.source, "location": self.location}
