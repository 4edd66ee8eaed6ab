"""One cut read and checked for `genflag approve` and `genflag approvals explain|verify`: its
findings and every clip name in it (so a clip or shot that is not in the cut is a clear error)."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from ..errors import UsageError
from ..findings import Finding, TimelineResult
from ..timeline.read import read_timeline, timelines_in
from ..timeline.walk import iter_clip_places
from .matching import name_tokens


@dataclass
class CheckedCut:
    """A cut's check result, its timelines' names and all its clip names."""

    path: str
    result: TimelineResult
    timelines: list[str] = field(default_factory=list)
    clips: list[str] = field(default_factory=list)

    def has_clip(self, name: str) -> bool:
        """Whether a clip of that exact name is in the cut."""
        return name in self.clips

    def has_shot(self, shot: str) -> bool:
        """Whether any clip of the cut belongs to the shot (a captured shot, or a name token)."""
        wanted = shot.casefold()
        captured = {str((f.captures or {}).get("shot", "")).casefold() for f in self.result.findings}
        return wanted in captured or any(wanted in name_tokens(c) for c in self.clips)

    def require(self, clip: str | None, shot: str | None) -> None:
        """Raise a usage error naming the cut when the clip or shot is not in it."""
        if clip is not None and not self.has_clip(clip):
            close = get_close_matches(clip, self.clips, n=1, cutoff=0.4)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"no clip named {clip!r} in the cut{hint}", self.path)
        if shot is not None and not self.has_shot(shot):
            raise UsageError(f"no clip of shot {shot!r} in the cut (a shot is a whole token of a clip name, "
                             "e.g. SH020 in SQ010_SH020_comp_v002, or a rule's captured shot)", self.path)

    def findings_of(self, clip: str) -> list[Finding]:
        """The findings on clips of that name, or of that shot."""
        from .matching import shot_matches
        return [f for f in self.result.findings if f.clip == clip or shot_matches(clip, f)]


def check_cut(path: str, checker: Any) -> CheckedCut:
    """Read one timeline file, check it with the given Checker, and list its clips."""
    options = checker.options
    warnings: list[str] = []
    obj = read_timeline(path, options.adapter, options.rate, warnings, options.adapter_args)
    result = checker.check_object(obj, path)
    result.warnings.extend(warnings)
    cut = CheckedCut(path, result)
    for timeline in timelines_in(obj):
        cut.timelines.append(getattr(timeline, "name", "") or "")
        cut.clips.extend(place.clip.name for place in iter_clip_places(timeline))
    return cut
