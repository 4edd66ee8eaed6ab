"""Findings and runs built by hand, the way genflag's check pipeline builds them."""

from __future__ import annotations

from genflag.plugins import Evidence, Finding, RunResult, TimelineResult


def finding(clip: str, rule: str = "genai.video.runway", category: str = "generative.video",
            requires: list[str] | None = None, tool: str | None = "Runway", status: str = "open",
            captures: dict[str, str] | None = None, record_in: str = "01:00:00:00",
            record_out: str = "01:00:02:00", clip_index: int = 0) -> Finding:
    """Build a finding the way the check pipeline does, for a clip of cut.otio track V1."""
    return Finding(timeline="cut.otio", timeline_name="cut", track="V1", clip=clip, clip_index=clip_index,
                   record_in=record_in, record_out=record_out, record_range={"start": float(clip_index)},
                   source_range=None, media=f"/mnt/show/{clip}.mov", rule=rule, title=rule,
                   severity="error", category=category, message=f"{tool or rule} clip on V1: {clip}",
                   evidence=[Evidence(field="clip.name", value=clip, matched="runway", selection="by_name")],
                   requires=list(requires if requires is not None else ["approval", "disclosure"]),
                   tool=tool, status=status, captures=dict(captures or {}))


def run_of(*findings: Finding) -> RunResult:
    """Wrap findings into a one-timeline run."""
    return RunResult(results=[TimelineResult(path="cut.otio", findings=list(findings), clips=10, timelines=1)])
