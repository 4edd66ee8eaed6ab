"""Draw a cut as inline SVG: one lane per track along record time, flagged clips coloured by category."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape

from ..findings import Finding
from ..safe_text import display as clean
from .layout import CutLayout, Lane
from .model import clip_span, format_duration

RowOf = Callable[[Finding], int]

LABEL_W, PLOT_W, RIGHT_PAD = 150.0, 1000.0, 30.0
RULER_H, LANE_H, LANE_GAP = 24.0, 20.0, 6.0
MIN_CLIP_W = 2.0
LABEL_CHARS = 20
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


def _e(value: object, limit: int | None = None) -> str:
    return escape(clean(value, limit), quote=True)


def tick_step(span: float, most: int = 10) -> int:
    """Pick a ruler step in seconds giving at most `most` ticks."""
    return next((s for s in TICK_STEPS if span / s <= most), TICK_STEPS[-1] * (int(span / TICK_STEPS[-1] / most) + 1))


def merge_lanes(layout: CutLayout | None, findings: Sequence[Finding]) -> list[Lane]:
    """The layout's lanes plus a lane for each track that only the findings name."""
    lanes = list(layout.lanes) if layout else []
    known = {lane.name for lane in lanes}
    for finding in findings:
        if finding.track not in known:
            known.add(finding.track)
            lanes.append(Lane(finding.track, "", len(lanes)))
    return lanes


def extent(layout: CutLayout | None, findings: Iterable[Finding]) -> tuple[float, float] | None:
    """Record-time extent to draw: the layout's, widened to every finding's span."""
    points = [p for f in findings if (s := clip_span(f)) for p in (s[0], s[0] + s[1])]
    if layout is not None and (layout.end > layout.start or layout.clips):
        points += [layout.start, layout.end]
    if not points:
        return None
    return min(points), max(points)


def render_lanes(layout: CutLayout | None, findings: Sequence[Finding], row_ids: dict[int, str],
                 colour_class: dict[str, str]) -> str:
    """Return the SVG picture of one timeline ('' when nothing has a record position)."""
    lanes = merge_lanes(layout, findings)
    bounds = extent(layout, findings)
    if bounds is None or not lanes:
        return ""
    t0, t1 = bounds
    scale = PLOT_W / max(t1 - t0, 1e-6)
    row_of = lane_rows(lanes)
    height = RULER_H + len(lanes) * (LANE_H + LANE_GAP)
    parts = [(f'<svg class="cut" viewBox="0 0 {LABEL_W + PLOT_W + RIGHT_PAD:g} {height:g}" '
              'role="img" aria-label="Tracks along record time">')]
    parts += _ruler(t0, t1, scale, height)
    parts += _lane_backgrounds(lanes, t0, scale)
    parts += _clips(findings, row_of, row_ids, colour_class, t0, scale)
    parts.append("</svg>")
    return "".join(parts)


def _lane_y(row: int) -> float:
    return RULER_H + row * (LANE_H + LANE_GAP)


def _ruler(t0: float, t1: float, scale: float, height: float) -> list[str]:
    step = tick_step(t1 - t0)
    first = int(t0 // step) * step
    parts = []
    tick = first if first >= t0 - 1e-9 else first + step
    while tick <= t1 + 1e-9:
        x = LABEL_W + (tick - t0) * scale
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="16" x2="{x:.1f}" y2="{height:g}"/>'
                     f'<text class="ticklab" x="{x:.1f}" y="12">{format_duration(tick)}</text>')
        tick += step
    return parts


def _lane_backgrounds(lanes: list[Lane], t0: float, scale: float) -> list[str]:
    parts = []
    for row, lane in enumerate(lanes):
        y = _lane_y(row)
        parts.append(f'<g class="lane"><title>{_e(lane.name, 500)}</title>'
                     f'<text class="lab" x="{LABEL_W - 10:g}" y="{y + LANE_H - 6:g}" text-anchor="end">'
                     f'{_e(lane.name, LABEL_CHARS)}</text>'
                     f'<rect class="lane-bg" x="{LABEL_W:g}" y="{y:g}" width="{PLOT_W:g}" height="{LANE_H:g}" rx="3"/>')
        for start, end in lane.spans:
            x, w = LABEL_W + (start - t0) * scale, max((end - start) * scale, 0.5)
            parts.append(f'<rect class="cov" x="{x:.2f}" y="{y + 5:g}" width="{w:.2f}" height="{LANE_H - 10:g}"/>')
        parts.append("</g>")
    return parts


def lane_rows(lanes: Sequence[Lane]) -> "RowOf":
    """A finding's lane row: the lane holding its clip index (tracks may share a name), else by name."""
    by_name = {lane.name: row for row, lane in enumerate(lanes)}
    ranges = [(lane.clips, lane.name, row) for row, lane in enumerate(lanes) if lane.clips is not None]

    def row_of(finding: Finding) -> int:
        for (first, last), name, row in ranges:
            if first <= finding.clip_index <= last and name == finding.track:
                return row
        return by_name[finding.track]
    return row_of


def _clips(findings: Sequence[Finding], row_of: "RowOf", row_ids: dict[int, str],
           colour_class: dict[str, str], t0: float, scale: float) -> list[str]:
    parts = []
    for finding in findings:
        span = clip_span(finding)
        if span is None:
            continue
        y = _lane_y(row_of(finding))
        x, w = LABEL_W + (span[0] - t0) * scale, max(span[1] * scale, MIN_CLIP_W)
        cleared = "" if finding.counts_toward_failure() else " cleared"
        label = f"{finding.clip} · {finding.category} · {finding.record_in or ''}–{finding.record_out or ''}"
        parts.append(f'<rect class="clip {colour_class.get(finding.category, "c0")}{cleared}" '
                     f'data-f="{row_ids[id(finding)]}" x="{x:.2f}" y="{y + 1:g}" width="{w:.2f}" '
                     f'height="{LANE_H - 2:g}" rx="2"><title>{_e(label, 400)}</title></rect>')
    return parts
