"""Editorial coordinates: timecode strings and frame ranges for findings."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio


def timecode(time: Any) -> str | None:
    """Return SMPTE timecode for a RationalTime (drop-frame inferred from the rate), or None."""
    if time is None:
        return None
    try:
        return otio.opentime.to_timecode(time, time.rate)
    except Exception:  # negative or odd-rate times: fall back to frames
        return f"{int(round(time.value))}f@{time.rate:g}"


def range_dict(rng: Any) -> dict[str, float] | None:
    """Return {start, duration, rate} in frames for a TimeRange, or None."""
    if rng is None:
        return None
    rate = rng.start_time.rate
    return {"start": float(rng.start_time.value), "duration": float(rng.duration.rescaled_to(rate).value),
            "rate": float(rate)}


def in_out(rng: Any) -> tuple[str | None, str | None]:
    """Return record in and out timecodes (out is exclusive, as NLEs show it)."""
    if rng is None:
        return None, None
    return timecode(rng.start_time), timecode(rng.end_time_exclusive())
