"""The cut's clock for marker lists: frame rate, start timecode, drop frame, and what was assumed.

Record positions in findings already include an OpenTimelineIO ``global_start_time``. A cut
without one (OpenTimelineIO's EDL reader drops the record start) gets its start from ``--start``,
else from the EDL's first event, else 00:00:00:00; each of those choices is said in ``notes``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

import opentimelineio as otio

NTSC_BASES = (24, 30, 48, 60, 120)
TIMECODE_MODES = ("auto", "df", "ndf")
_TC = r"\d{1,2}[:;.]\d\d[:;.]\d\d[:;.]\d\d"
_EDL_EVENT = re.compile(rf"^\s*\d+\s+\S+\s+\S+\s+[CDWK]\S*\s+(?:\d+\s+)?{_TC}\s+{_TC}\s+({_TC})\s+{_TC}")
_EDL_FCM = re.compile(r"^\s*FCM:\s*(NON[- ]?DROP|DROP)", re.IGNORECASE)
EDL_SCAN_LINES = 2000


class ClockError(ValueError):
    """A start timecode or rate that cannot be used."""


@dataclass
class Clock:
    """Frame rate, start and drop-frame mode of the cut the markers go into."""

    rate: float
    start: int = 0  # record frame of the cut's first frame, in marker time
    offset: int = 0  # frames added to the findings' record positions
    drop_frame: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def timebase(self) -> int:
        """The whole-number frame rate an NLE counts timecode in (30 for 29.97)."""
        return int(round(self.rate))

    @property
    def ntsc(self) -> bool:
        """True for the 1000/1001 rates (23.976, 29.97, 59.94...)."""
        return abs(self.rate - round(self.rate)) > 1e-6

    def timecode(self, frame: int) -> str:
        """SMPTE timecode of an absolute frame (``;`` before the frames in drop frame)."""
        time = otio.opentime.RationalTime(max(0, frame), self.rate)
        return str(otio.opentime.to_timecode(time, self.rate, self.drop_frame))


def exact_rate(rate: float) -> float:
    """29.97 → 30000/1001 (and the other NTSC rates), so timecode maths is exact."""
    for base in NTSC_BASES:
        if abs(rate - base * 1000 / 1001) < 0.005:
            return base * 1000 / 1001
    return float(rate)


def fps_text(rate: float) -> str:
    """A rate as people write it: 24, 23.976, 29.97."""
    return f"{rate:.3f}".rstrip("0").rstrip(".")


def parse_start(text: str, rate: float) -> tuple[int, bool]:
    """Frames of a start timecode at a rate, and whether it was written drop frame (``;``)."""
    cleaned = text.strip()
    if not re.fullmatch(_TC, cleaned):
        raise ClockError(f"--start must be a timecode HH:MM:SS:FF, got {text!r}")
    drop = ";" in cleaned
    try:
        value = otio.opentime.from_timecode(cleaned.replace(".", ":"), rate).value
    except Exception as exc:  # frames beyond the rate, or a rate SMPTE timecode does not have
        raise ClockError(f"--start {text}: {exc} at {rate:g} fps") from None
    return int(round(value)), drop


def clock_for(obj: Any, path: str, findings: Iterable[Any], start: str | None = None,
              mode: str = "auto") -> Clock:
    """Work out the cut's clock from the timeline, its findings and the user's choices."""
    timeline = obj if isinstance(obj, otio.schema.Timeline) else None
    global_start = timeline.global_start_time if timeline is not None else None
    rate, notes = _rate(global_start, findings, timeline)
    clock = Clock(rate=rate, notes=notes)
    edl = _edl_facts(path) if global_start is None else (None, None)
    _set_start(clock, global_start, start, edl[0])
    _set_drop_frame(clock, mode, edl[1], start)
    return clock


def _rate(global_start: Any, findings: Iterable[Any], timeline: Any) -> tuple[float, list[str]]:
    counts = Counter(exact_rate(f.record_range["rate"]) for f in findings if f.record_range)
    notes: list[str] = []
    rate: float | None
    if global_start is not None:
        rate = exact_rate(global_start.rate)
    elif counts:
        rate = counts.most_common(1)[0][0]
    else:
        rate = _track_rate(timeline)
        if rate is None:
            notes.append("no frame rate in the cut: 24 fps assumed")
            return 24.0, notes
    others = sorted({r for r in counts if abs(r - rate) > 1e-6})
    if others:
        listed = ", ".join(fps_text(r) for r in sorted({rate, *others}))
        notes.append(f"mixed frame rates in the cut ({listed} fps): marker times use {fps_text(rate)} fps; "
                     "clips at other rates are converted")
    return rate, notes


def _track_rate(timeline: Any) -> float | None:
    try:
        return exact_rate(timeline.tracks[0].duration().rate) if timeline is not None and len(timeline.tracks) else None
    except Exception:  # a malformed track: no rate to read
        return None


def _set_start(clock: Clock, global_start: Any, start: str | None, edl_start: str | None) -> None:
    cut_start = None if global_start is None else int(round(global_start.rescaled_to(clock.rate).value))
    if start is not None:
        given, _ = parse_start(start, clock.rate)
        clock.start, clock.offset = given, given - (cut_start or 0)
        if cut_start is not None and cut_start != given:
            clock.notes.append(f"start timecode {start} (given) replaces the cut's {clock.timecode(cut_start)}")
        return
    if cut_start is not None:
        clock.start = cut_start
        return
    if edl_start is not None:
        clock.start = clock.offset = parse_start(edl_start, clock.rate)[0]
        clock.notes.append(f"start timecode taken from the EDL's first event: {edl_start}")
        return
    clock.notes.append("the cut has no start timecode: marker times assume 00:00:00:00 "
                       "(--start HH:MM:SS:FF sets your sequence's start)")


def _set_drop_frame(clock: Clock, mode: str, edl_drop: bool | None, start: str | None) -> None:
    if mode not in TIMECODE_MODES:
        raise ClockError(f"--timecode must be one of {', '.join(TIMECODE_MODES)}, got {mode!r}")
    drop_rate = clock.ntsc and clock.timebase in (30, 60)
    if mode != "auto" or not drop_rate:
        if mode == "df" and not drop_rate:
            raise ClockError(f"drop-frame timecode needs 29.97 or 59.94 fps; the cut is {clock.rate:.3f} fps")
        clock.drop_frame = mode == "df"
        return
    said = edl_drop if edl_drop is not None else (";" in start if start else None)
    clock.drop_frame = True if said is None else said
    if said is None:
        clock.notes.append(f"{fps_text(clock.rate)} fps: drop-frame timecode assumed (the cut does not say; "
                           "--timecode ndf for non-drop)")


def _edl_facts(path: str) -> tuple[str | None, bool | None]:
    """The first event's record-in timecode and the FCM drop-frame flag of an EDL file (else None)."""
    if not path.lower().endswith(".edl"):
        return None, None
    drop: bool | None = None
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle):
                fcm = _EDL_FCM.match(line)
                if fcm:
                    drop = fcm.group(1).upper() == "DROP"
                event = _EDL_EVENT.match(line)
                if event or number > EDL_SCAN_LINES:
                    return (event.group(1) if event else None), drop
    except OSError:
        pass
    return None, drop
