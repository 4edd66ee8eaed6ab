"""Build examples/review/: a small show for the approval loop (a cut whose clips use real media files).

Run `python examples/review/make_review.py` to regenerate (the files are committed). README.md's
"A producer's loop" copies this folder to a scratch place and walks it from flagged to delivered.
"""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

import opentimelineio as otio
from PIL import Image

RATE = 24.0
HERE = Path(__file__).resolve().parent


def _range(start: int, duration: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(otio.opentime.RationalTime(start, RATE), otio.opentime.RationalTime(duration, RATE))


def png(path: Path, colour: tuple[int, int, int]) -> None:
    """Write a tiny PNG still (a stand-in for a rendered frame)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


def wav(path: Path) -> None:
    """Write a short silent WAV (the temp music cue)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(struct.pack("<h", 0) * 800)


def clip(name: str, target: str, duration: int, metadata: dict | None = None,
         marker: tuple[str, str] | None = None) -> otio.schema.Clip:
    """A clip using a media file of the show (paths relative to the cut)."""
    ref = otio.schema.ExternalReference(target_url=target, available_range=_range(0, duration))
    item = otio.schema.Clip(name=name, media_reference=ref, source_range=_range(0, duration), metadata=metadata or {})
    if marker:
        note = otio.schema.Marker(name=marker[0], marked_range=_range(0, 1), color=otio.schema.MarkerColor.RED)
        note.comment = marker[1]
        item.markers.append(note)
    return item


def build() -> otio.schema.Timeline:
    """The cut: a plate, a generated comp, a de-aged hero shot, and a temp music cue."""
    timeline = otio.schema.Timeline(name="REVIEW_EP101_REEL1_v013",
                                    global_start_time=otio.opentime.RationalTime(86400, RATE))
    picture = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    picture.extend([
        clip("SH010_plate_v001", "media/SH010_plate_v001.png", 48),
        clip("SH020_collapse_comp", "media/SH020_collapse_comp.png", 72,
             metadata={"studio": {"note": "building collapse generated with Runway Gen-4"}}),
        clip("SH040_hero_deage", "media/SH040_hero_deage.png", 48,
             metadata={"studio": {"vendor": "Metaphysic"}},
             marker=("LIKENESS", "de-aging by Metaphysic; performer: Jane Doe")),
    ])
    music = otio.schema.Track(name="TEMP MUSIC", kind=otio.schema.TrackKind.Audio)
    music.append(clip("CUE_1M1_temp_suno_v2", "media/CUE_1M1_suno_v4_v2.wav", 168))
    timeline.tracks.extend([picture, music])
    return timeline


def main() -> None:
    """Write the cut, its media and the re-render the loop swaps in."""
    png(HERE / "media" / "SH010_plate_v001.png", (40, 60, 80))
    png(HERE / "media" / "SH020_collapse_comp.png", (200, 90, 40))
    png(HERE / "media" / "SH040_hero_deage.png", (120, 100, 90))
    png(HERE / "renders" / "SH020_collapse_comp_v003.png", (205, 95, 45))
    wav(HERE / "media" / "CUE_1M1_suno_v4_v2.wav")
    otio.adapters.write_to_file(build(), str(HERE / "cut.otio"))


if __name__ == "__main__":
    main()
