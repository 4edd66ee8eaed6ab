"""Match flagged clips to Kitsu shots and group their findings per shot.

A clip's shot comes from the first source in ``shot_from`` that yields a shot name:

* ``captures``: the finding's ``captures`` ``shot`` (and ``sequence``, ``episode``) values, set by a
  rule's ``capture:`` block (for example from clip metadata);
* ``clip``, ``media``, ``track``, ``timeline``: the ``pattern`` regular expression searched in the
  clip name, the media file name (without folder and extension), the track name or the timeline name;
  its named groups ``shot`` (required), ``sequence`` and ``episode`` (optional) give the parts.

The parts then go through ``episode_format``, ``sequence_format`` and ``shot_format``
(``"SH{shot}"`` turns ``010`` into ``SH010``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from genflag.plugins import Finding

from .options import KitsuOptions


@dataclass(frozen=True)
class ShotKey:
    """Where a shot lives in Kitsu: optional episode and sequence, and the shot name."""

    episode: str | None
    sequence: str | None
    shot: str

    def label(self) -> str:
        """Return the shot's path for messages, e.g. ``SQ010/SH020``."""
        return "/".join(part for part in (self.episode, self.sequence, self.shot) if part)

    def folded(self, case_sensitive: bool) -> ShotKey:
        """Return the key used to compare names (case-folded unless case_sensitive)."""
        if case_sensitive:
            return self
        return ShotKey(_fold(self.episode), _fold(self.sequence), self.shot.casefold())


@dataclass
class ShotGroup:
    """The findings of one shot, in editorial order."""

    key: ShotKey
    findings: list[Finding] = field(default_factory=list)

    def clip_names(self) -> list[str]:
        """Return the distinct clip names of the findings, in order."""
        return list(dict.fromkeys(f.clip for f in self.findings))


def _fold(text: str | None) -> str | None:
    return text.casefold() if text else text


def group_by_shot(findings: Iterable[Finding], opts: KitsuOptions) -> tuple[list[ShotGroup], list[str]]:
    """Group findings per shot; return the groups and one error per clip that matches no shot."""
    pattern = opts.compiled_pattern()
    groups: dict[ShotKey, ShotGroup] = {}
    errors: dict[tuple[str, str, str, int], str] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        key = shot_key(finding, opts, pattern)
        if key is None:
            place = (finding.timeline, finding.track, finding.clip, finding.clip_index)
            errors.setdefault(place, unmatched_message(finding, opts))
            continue
        group = groups.setdefault(key.folded(opts.case_sensitive), ShotGroup(key))
        group.findings.append(finding)
    return list(groups.values()), list(errors.values())


def shot_key(finding: Finding, opts: KitsuOptions, pattern: re.Pattern[str]) -> ShotKey | None:
    """Return the shot a finding's clip belongs to, or None when no source names one."""
    for source in opts.shot_from:
        parts = _parts_from(source, finding, pattern)
        if parts and parts.get("shot"):
            return _formatted(parts, opts)
    return None


def _parts_from(source: str, finding: Finding, pattern: re.Pattern[str]) -> dict[str, str] | None:
    if source == "captures":
        captures = finding.captures or {}
        return {k: str(captures[k]).strip() for k in ("episode", "sequence", "shot") if captures.get(k)}
    text = {"clip": finding.clip, "media": media_stem(finding.media), "track": finding.track,
            "timeline": finding.timeline_name}[source]
    found = pattern.search(text or "")
    if found is None:
        return None
    return {k: v for k, v in found.groupdict().items() if k in ("episode", "sequence", "shot") and v}


def _formatted(parts: dict[str, str], opts: KitsuOptions) -> ShotKey | None:
    values = {k: parts.get(k, "") for k in ("episode", "sequence", "shot")}
    episode = opts.episode_format.format(**values).strip() if values["episode"] else ""
    sequence = opts.sequence_format.format(**values).strip() if values["sequence"] else ""
    shot = opts.shot_format.format(**values).strip()
    return ShotKey(episode or None, sequence or None, shot) if shot else None


def media_stem(media: str | None) -> str:
    """Return a media path's or URL's file name without its extension."""
    if not media:
        return ""
    path = unquote(urlparse(media).path) if "://" in media else media
    name = posixpath.basename(path.replace("\\", "/"))
    return name.rsplit(".", 1)[0] if "." in name else name


def unmatched_message(finding: Finding, opts: KitsuOptions) -> str:
    """Return the error for a flagged clip whose shot cannot be found from its names."""
    where = f"{finding.timeline}:{finding.track}@{finding.record_in or '?'}"
    tried = ", ".join(opts.shot_from)
    return (f"kitsu: {where}: clip {finding.clip!r} matches no shot (tried {tried}; "
            f"pattern '{opts.pattern}'); its findings are not published")
