"""Build examples/demo_cut.otio and examples/demo_cut.edl: a short cut with generative and clean clips.

Most clips are flagged by what the timeline says (names, metadata, markers, effects). Three clips have
neutral names and point at real public test media in examples/media/ (sources and licences in
examples/media/SOURCES.md) through paths relative to the cut's folder, so their flags come from the media
itself: C2PA Content Credentials with an IPTC digital source type, ComfyUI and Automatic1111 PNG text.

Run `python examples/make_demo.py` to regenerate (the files are committed; a test keeps them equal).
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

RATE = 24.0
HERE = Path(__file__).resolve().parent
#: Demo media, relative to the cut's folder (genflag resolves relative paths from the timeline file's folder).
MEDIA = "media"


def _range(start: int, duration: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(otio.opentime.RationalTime(start, RATE),
                                   otio.opentime.RationalTime(duration, RATE))


def clip(name: str, target: str | None, duration: int, metadata: dict | None = None,
         markers: list[tuple[str, str, str]] | None = None, effects: list[str] | None = None) -> otio.schema.Clip:
    """Make a clip with an external reference (or none), metadata, markers and effects."""
    ref = (otio.schema.ExternalReference(target_url=target, available_range=_range(86400, duration + 48))
           if target else otio.schema.MissingReference())
    item = otio.schema.Clip(name=name, media_reference=ref, source_range=_range(86424, duration),
                            metadata=metadata or {})
    for marker_name, color, comment in markers or []:
        marker = otio.schema.Marker(name=marker_name, marked_range=_range(86424, 1), color=color)
        marker.comment = comment
        item.markers.append(marker)
    for effect in effects or []:
        item.effects.append(otio.schema.Effect(name=effect, effect_name=effect))
    return item


def video_track() -> otio.schema.Track:
    """The picture cut: plates, comps, and a few generative shots."""
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    track.extend([
        clip("SH010_plate_v003", "/show/plates/SH010/SH010_plate_v003.mov", 96),
        clip("SH020_collapse_comp_v002", "/show/vfx/SH020/runway/Gen-4_SH020_building_collapse_v002.mp4", 120,
             metadata={"studio": {"vendor": "in-house", "note": "building collapse generated with Runway Gen-4"}}),
        clip("SH030_crowd_comp_v001", f"{MEDIA}/sh030_crowd_comp_v001.jpg", 48),  # Content Credentials
        clip("SH040_city_matte_v002", f"{MEDIA}/sh040_city_matte_v002.png", 48),  # ComfyUI workflow text
        clip("SH045_poster_insert_v001", f"{MEDIA}/sh045_poster_insert_v001.png", 24),  # Automatic1111 text
        clip("SH050_airport_runway_plate_v001", "/show/plates/SH050/SH050_airport_runway_plate_v001.mov", 72),
        clip("SH060_skyline_matte_v004", "/show/art/midjourney/SH060_skyline_v004.png", 48),
        clip("SH070_hero_deage_v002", "/show/vfx/SH070/SH070_hero_deage_v002.mov", 96,
             metadata={"studio": {"vendor": "Metaphysic", "performer": "Jane Doe"}},
             markers=[("LIKENESS", otio.schema.MarkerColor.RED, "de-aging by Metaphysic; performer: Jane Doe")]),
        clip("SH080_street_extend_v001", "/show/vfx/SH080/SH080_street_v001.mov", 60,
             effects=["Generative Extend"]),
        clip("SH090_archive_upscale_v001", "/show/archive/SH090_archive_topaz_upscale_v001.mov", 84,
             metadata={"studio": {"note": "upscaled with Topaz Video AI"}}),
        clip("SH100_sky_replace_v002", "/show/art/adobe_firefly/SH100_sky_v002.jpg", 48,
             metadata={"genflag": {"review": {"status": "cleared", "by": "A. Producer",
                                              "note": "written approval 2026-11-02, ref LEGAL-118"}}}),
        clip("SH110_end_plate_v001", "/show/plates/SH110/SH110_plate_v001.mov", 96),
    ])
    return track


def previs_track() -> otio.schema.Track:
    """A temp/previs track: generative shots here are informational."""
    track = otio.schema.Track(name="TEMP previs", kind=otio.schema.TrackKind.Video)
    track.append(otio.schema.Gap(source_range=_range(0, 96)))
    track.append(clip("SH020_previs_v001", "/show/previs/sora/SH020_openai_sora_previs_v001.mp4", 120))
    return track


def audio_tracks() -> list[otio.schema.Track]:
    """Dialogue, a synthetic voice-over and a generated music cue."""
    dialogue = otio.schema.Track(name="A1 DIAL", kind=otio.schema.TrackKind.Audio)
    dialogue.append(clip("SH010_dial_boom", "/show/audio/SH010_boom.wav", 240))
    voice = otio.schema.Track(name="A2 VO", kind=otio.schema.TrackKind.Audio)
    voice.append(otio.schema.Gap(source_range=_range(0, 240)))
    voice.append(clip("VO_015_narrator_v003", "/show/audio/vo/elevenlabs/VO_015_narrator_v003.wav", 168,
                      metadata={"studio": {"tts": "ElevenLabs Multilingual v2"}}))
    music = otio.schema.Track(name="A3 MUSIC", kind=otio.schema.TrackKind.Audio)
    music.append(clip("CUE_3M2_temp_suno_v2", "/show/music/temp/CUE_3M2_suno_v4_v2.wav", 408))
    return [dialogue, voice, music]


def build() -> otio.schema.Timeline:
    """Assemble the demo timeline."""
    timeline = otio.schema.Timeline(name="DEMO_EP101_REEL1_v012",
                                    global_start_time=otio.opentime.RationalTime(86400, RATE))
    timeline.tracks.extend([video_track(), previs_track(), *audio_tracks()])
    return timeline


def main() -> None:
    """Write the demo timeline as .otio and as a CMX 3600 EDL (picture track only)."""
    timeline = build()
    otio.adapters.write_to_file(timeline, str(HERE / "demo_cut.otio"))
    picture = otio.schema.Timeline(name=timeline.name, global_start_time=timeline.global_start_time)
    picture.tracks.append(video_track())
    otio.adapters.write_to_file(picture, str(HERE / "demo_cut.edl"))


if __name__ == "__main__":
    main()
